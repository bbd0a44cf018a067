/* Test helper, not a feature: runs PROGRAM in a new process group of the caller's session (so it is not an
 * orphaned group and SIGTSTP really stops it), with default dispositions for the job-control and terminating
 * signals whatever the test runner inherited, then execs it, keeping this pid. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: fresh_job PROGRAM [ARGS...]\n"); return 2; }
    if (setpgid(0, 0) != 0) { perror("fresh_job: setpgid"); return 125; }
    /* SIGPIPE too: the .NET runtime ignores it, and its children would inherit that. */
    const int reset[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT, SIGPIPE };
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        signal(reset[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[1], argv + 1);
    perror("fresh_job: exec");
    return 127;
}
