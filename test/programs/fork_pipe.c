/* Exercises fork, pipe, waitpid and the statuses a parent sees (normal exit and death by signal). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void describe(int child, pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        /* With SIGCHLD ignored the kernel reaps children itself and waitpid fails with ECHILD. */
        printf("fork_pipe: child %d: waitpid failed: %s\n", child, errno == ECHILD ? "ECHILD" : "other error");
    } else if (WIFEXITED(status)) {
        printf("fork_pipe: child %d exited with %d\n", child, WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        printf("fork_pipe: child %d killed by signal %d\n", child, WTERMSIG(status));
    }
}

int main(void)
{
    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); return 1; }
    fflush(stdout);

    pid_t writer = fork();
    if (writer == 0) {
        close(fds[0]);
        const char msg[] = "hello through the pipe\n";
        for (int i = 0; i < 3; i++)
            if (write(fds[1], msg, sizeof msg - 1) != (ssize_t)(sizeof msg - 1)) _exit(1);
        _exit(5);
    }
    close(fds[1]);

    char buf[256];
    size_t total = 0;
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
        total += (size_t)n;
    }
    close(fds[0]);
    printf("fork_pipe: parent read %zu bytes\n", total);
    describe(1, writer);

    fflush(stdout);
    pid_t victim = fork();
    if (victim == 0) {
        raise(SIGUSR2);
        _exit(0);
    }
    describe(2, victim);
    return 0;
}
