/* Test helper, not a feature: runs PROGRAM as its child and writes the exact wait status to STATUS_FILE
 * ("exit N" or "signal N" plus " core" if a core was dumped), because a parent's 128+N cannot tell
 * exit(128+N) from death by signal N. Exits with the child's code, or 128+N. The child starts with SIGPIPE,
 * SIGINT and SIGQUIT at their defaults, as a terminal's foreground job does, however the tests were started. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: wait_status STATUS_FILE PROGRAM [ARGS...]\n"); return 2; }
    pid_t pid = fork();
    if (pid < 0) { perror("wait_status: fork"); return 125; }
    if (pid == 0) {
        /* As from a shell: the .NET runtime ignores SIGPIPE, and its children would inherit that; a test run
         * started in the background (`./build.sh test &`) ignores SIGINT and SIGQUIT, and so would they. */
        signal(SIGPIPE, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        execvp(argv[2], argv + 2);
        /* Same convention as a shell, so a missing program still reads as 127 / 126 in the status file. */
        _exit(errno == ENOENT ? 127 : 126);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) { perror("wait_status: waitpid"); return 125; }
    }
    FILE *f = fopen(argv[1], "w");
    if (f == NULL) { perror("wait_status: status file"); return 125; }
    if (WIFEXITED(status))
        fprintf(f, "exit %d\n", WEXITSTATUS(status));
    else
        fprintf(f, "signal %d%s\n", WTERMSIG(status), WCOREDUMP(status) ? " core" : "");
    fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
