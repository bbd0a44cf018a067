/* A multi-threaded program to checkpoint mid-run: 4 workers and the main thread meet at barriers 60 times,
 * each worker computing into a thread-local accumulator and adding it to a total under a mutex; a fifth thread
 * waits on a condition variable with a 10 ms deadline until told to stop. The main thread prints one line per
 * step, 30 ms apart, so a checkpoint lands with workers computing or blocked in futex waits.
 *
 * At the end, main signals each worker with pthread_kill: glibc finds the thread by the tid it keeps in struct
 * pthread, which a restore must have rewritten, and the worker's handler must be the one that answers. Then every
 * thread is joined (the kernel's clear_child_tid wake-up, which a restore must have registered again).
 *
 * A signal sent to one thread stays pending through the whole run: main sends SIGUSR2 to the waiter, which blocks
 * it until it ends (a restore must queue it to that thread again, as tgkill queued it), and its handler must run
 * in the waiter. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 4
#define STEPS 60

static pthread_barrier_t start_line, finish_line;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static unsigned long long total;
static int stop_waiting;
static volatile sig_atomic_t answered[WORKERS];
static __thread unsigned long long mine;   /* per-thread: lives at the thread's fs base */
static __thread int my_index = -1;
static __thread int is_waiter;
static volatile sig_atomic_t usr2_in_waiter = -1;

static void on_usr2(int sig)
{
    (void)sig;
    usr2_in_waiter = is_waiter;
}

static void on_usr1(int sig)
{
    (void)sig;
    if (my_index >= 0)
        answered[my_index] = 1;
}

static void *worker(void *arg)
{
    my_index = (int)(long)arg;
    for (int step = 1; step <= STEPS; step++) {
        pthread_barrier_wait(&start_line);
        for (unsigned k = 0; k < 2000000; k++)
            mine = mine * 6364136223846793005ULL + (unsigned long long)(my_index + 1) * step + k;
        pthread_mutex_lock(&lock);
        total += mine >> 17;
        pthread_mutex_unlock(&lock);
        pthread_barrier_wait(&finish_line);
    }
    while (!answered[my_index])
        pause();
    return NULL;
}

static void *waiter(void *arg)
{
    (void)arg;
    is_waiter = 1;
    long timeouts = 0;
    pthread_mutex_lock(&lock);
    while (!stop_waiting) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 10 * 1000 * 1000;
        if (deadline.tv_nsec >= 1000000000L) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000L; }
        if (pthread_cond_timedwait(&never, &lock, &deadline) != 0)
            timeouts++;
    }
    pthread_mutex_unlock(&lock);
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &usr2, NULL); /* the pending SIGUSR2 is taken here, in this thread */
    return (void *)timeouts;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &usr2, NULL); /* every thread starts with it blocked */
    pthread_barrier_init(&start_line, NULL, WORKERS + 1);
    pthread_barrier_init(&finish_line, NULL, WORKERS + 1);

    pthread_t workers[WORKERS], waiting;
    for (long i = 0; i < WORKERS; i++) {
        if (pthread_create(&workers[i], NULL, worker, (void *)i) != 0) { fprintf(stderr, "ckpt_pthreads: pthread_create failed\n"); return 1; }
    }
    if (pthread_create(&waiting, NULL, waiter, NULL) != 0) { fprintf(stderr, "ckpt_pthreads: pthread_create failed\n"); return 1; }
    pthread_kill(waiting, SIGUSR2); /* pending on the waiter alone until it ends */

    for (int step = 1; step <= STEPS; step++) {
        pthread_barrier_wait(&start_line);
        pthread_barrier_wait(&finish_line);
        pthread_mutex_lock(&lock);
        unsigned long long now = total;
        pthread_mutex_unlock(&lock);
        printf("ckpt_pthreads: step %d total %llu\n", step, now);
        struct timespec pause_for = { 0, 30 * 1000 * 1000 };
        nanosleep(&pause_for, NULL);
    }

    for (int i = 0; i < WORKERS; i++) {
        int e = pthread_kill(workers[i], SIGUSR1);
        if (e != 0) { fprintf(stderr, "ckpt_pthreads: pthread_kill of worker %d: %s\n", i, strerror(e)); return 1; }
        for (int waited = 0; !answered[i]; waited++) {
            if (waited == 2000) { fprintf(stderr, "ckpt_pthreads: worker %d did not get its signal\n", i); _exit(1); }
            struct timespec ms = { 0, 1000 * 1000 };
            nanosleep(&ms, NULL);
        }
    }
    for (int i = 0; i < WORKERS; i++)
        pthread_join(workers[i], NULL);
    pthread_mutex_lock(&lock);
    stop_waiting = 1;
    pthread_cond_signal(&never);
    pthread_mutex_unlock(&lock);
    pthread_join(waiting, NULL);
    printf("ckpt_pthreads: done, total %llu, signalled %d workers, joined %d threads, the waiter's own SIGUSR2 taken %s\n",
           total, WORKERS, WORKERS + 1, usr2_in_waiter == 1 ? "by the waiter" : usr2_in_waiter == 0 ? "by another thread" : "by none");
    return 0;
}
