/* Exercises signals sent from outside: prints "ready", then waits; TERM/INT/HUP handlers print and exit 7.
 * With argument "stdin" it instead reads stdin to EOF and prints "finished" (used for SIGTSTP/SIGCONT). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_signal(int sig)
{
    const char *msg = sig == SIGTERM ? "wait_signal: got TERM\n"
                    : sig == SIGINT  ? "wait_signal: got INT\n"
                                     : "wait_signal: got HUP\n";
    ssize_t ignored = write(1, msg, strlen(msg));
    (void)ignored;
    _exit(7);
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    printf("wait_signal: ready\n");
    fflush(stdout);

    if (argc > 1 && strcmp(argv[1], "stdin") == 0) {
        char buf[4096];
        while (read(0, buf, sizeof buf) > 0) { }
        printf("wait_signal: finished\n");
        return 0;
    }
    for (;;)
        pause();
}
