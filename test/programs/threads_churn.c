/* Creates and joins threads all through its run: 60 steps, each starting 3 workers that compute a
 * share of the step's sum, joining them, and printing the step's total; 30 ms between steps. Moved
 * away mid-run, its next pthread_create brings it home (a thread needs a home tid), and it finishes
 * there printing what a native run prints. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define STEPS 60
#define WORKERS 3

struct share { int step, index; unsigned long long sum; };

static void *compute(void *arg)
{
    struct share *s = arg;
    unsigned long long x = (unsigned long long)s->step * 7919 + (unsigned long long)s->index;
    for (int k = 0; k < 300000; k++)
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    s->sum = x >> 20;
    return NULL;
}

int main(void)
{
    unsigned long long total = 0;
    for (int step = 1; step <= STEPS; step++) {
        pthread_t workers[WORKERS];
        struct share shares[WORKERS];
        for (int i = 0; i < WORKERS; i++) {
            shares[i] = (struct share){ .step = step, .index = i };
            if (pthread_create(&workers[i], NULL, compute, &shares[i]) != 0)
                return 1;
        }
        for (int i = 0; i < WORKERS; i++) {
            pthread_join(workers[i], NULL);
            total += shares[i].sum;
        }
        printf("threads_churn: step %d total %llu\n", step, total);
        fflush(stdout);
        nanosleep(&(struct timespec){ .tv_nsec = 30 * 1000 * 1000 }, NULL);
    }
    printf("threads_churn: done, %d threads made and joined\n", STEPS * WORKERS);
    return 0;
}
