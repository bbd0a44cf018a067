/* Exercises signal delivery to handlers: raise, blocked-then-pending signals, SIGALRM via alarm and setitimer, EINTR. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, alrm_count;

static void on_usr1(int sig) { (void)sig; usr1_count++; }
static void on_alrm(int sig) { (void)sig; alrm_count++; }

static void install(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking read must fail with EINTR */
    sigaction(sig, &sa, NULL);
}

static void wait_for_alarm(int expected)
{
    sigset_t none;
    sigemptyset(&none);
    while (alrm_count < expected)
        sigsuspend(&none);
}

int main(void)
{
    install(SIGUSR1, on_usr1);
    install(SIGALRM, on_alrm);

    raise(SIGUSR1);
    printf("signal_handler: after raise, USR1 handled %d time(s)\n", (int)usr1_count);

    sigset_t usr1, pending;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    raise(SIGUSR1);
    sigpending(&pending);
    printf("signal_handler: while blocked, USR1 pending=%d handled=%d\n", sigismember(&pending, SIGUSR1), (int)usr1_count);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    printf("signal_handler: after unblock, USR1 handled %d time(s)\n", (int)usr1_count);

    alarm(1);
    wait_for_alarm(1);
    printf("signal_handler: alarm(1) delivered, ALRM handled %d time(s)\n", (int)alrm_count);

    struct itimerval once = { { 0, 0 }, { 0, 50000 } };
    setitimer(ITIMER_REAL, &once, NULL);
    wait_for_alarm(2);
    printf("signal_handler: setitimer delivered, ALRM handled %d time(s)\n", (int)alrm_count);

    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); return 1; }
    char c;
    setitimer(ITIMER_REAL, &once, NULL);
    ssize_t n = read(fds[0], &c, 1); /* nobody writes: only the timer ends this */
    printf("signal_handler: blocked read returned %zd, errno %s, ALRM handled %d time(s)\n",
           n, n < 0 && errno == EINTR ? "EINTR" : "unexpected", (int)alrm_count);
    return 0;
}
