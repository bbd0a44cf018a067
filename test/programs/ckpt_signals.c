/* Checkpoint/restart of signal state: handlers for SIGALRM and SIGUSR1, a blocked mask, a pending signal and an
 * interval timer (setitimer ITIMER_REAL, every 100 ms) that must still tick after a restart.
 * First it holds one expiry pending with SIGALRM blocked for 1.2 s (printing as it waits): the kernel re-arms an
 * interval ITIMER_REAL only when its SIGALRM is dequeued, so meanwhile getitimer(2) reports "value 0, interval
 * 100 ms", and a checkpoint taken then must still restore a timer that goes on ticking. Then the main loop waits
 * in sigsuspend for each tick, does a fixed amount of work, raises SIGUSR1 (glibc sends it to its own thread id,
 * which a restart must keep right) and prints the counts; output depends only on the counts, never on time. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define TICKS 20
#define HOLDING_STEPS 40

static volatile sig_atomic_t ticks, usr1s;

static void on_alrm(int sig) { (void)sig; ticks++; }
static void on_usr1(int sig) { (void)sig; usr1s++; }

static void install(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void say(const char *line)
{
    if (write(1, line, strlen(line)) < 0)
        _exit(3);
}

int main(void)
{
    install(SIGALRM, on_alrm);
    install(SIGUSR1, on_usr1);

    /* SIGALRM is blocked except inside sigsuspend, so ticks changes only where the loop waits for it. */
    sigset_t alrm, waiting;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, &waiting);
    sigdelset(&waiting, SIGALRM);

    struct itimerval every = { { 0, 100 * 1000 }, { 0, 100 * 1000 } };
    if (setitimer(ITIMER_REAL, &every, NULL) != 0) { perror("ckpt_signals: setitimer"); return 1; }

    /* An expiry pending while SIGALRM is blocked: wait for it, then keep it pending for a while. */
    struct timespec nap = { 0, 10 * 1000 * 1000 }, pause = { 0, 30 * 1000 * 1000 };
    sigset_t pending;
    do {
        nanosleep(&nap, NULL);
        sigpending(&pending);
    } while (!sigismember(&pending, SIGALRM));
    char line[128];
    say("ckpt_signals: SIGALRM pending while blocked\n");
    for (int step = 1; step <= HOLDING_STEPS; step++) {
        nanosleep(&pause, NULL);
        snprintf(line, sizeof line, "ckpt_signals: holding it, step %d\n", step);
        say(line);
    }

    uint64_t x = 0x2545f4914f6cdd1dull, work = 0;
    int printed = 0;
    while (printed < TICKS) {
        while (ticks == printed)
            sigsuspend(&waiting);
        while (printed < ticks && printed < TICKS) {
            printed++;
            for (int i = 0; i < 20000; i++) {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                work += x & 0xffff;
            }
            int before = usr1s;
            if (raise(SIGUSR1) != 0) { perror("ckpt_signals: raise"); return 1; }
            snprintf(line, sizeof line, "ckpt_signals: tick %d work %llu usr1 %d%s\n", printed,
                     (unsigned long long)work, (int)usr1s, usr1s == before + 1 ? "" : " (USR1 not delivered)");
            say(line);
        }
    }
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    snprintf(line, sizeof line, "ckpt_signals: done, %d ticks, %d USR1\n", printed, (int)usr1s);
    say(line);
    return 0;
}
