/* Exercises pthreads: clone with CLONE_THREAD, futex joins, per-thread stacks. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define SPAN 1000000ULL

struct part { unsigned long long first, last, sum; };

static void *sum_squares(void *arg)
{
    struct part *p = arg;
    for (unsigned long long i = p->first; i <= p->last; i++)
        p->sum += i * i % 1000003ULL;
    return NULL;
}

int main(void)
{
    pthread_t tid[THREADS];
    struct part parts[THREADS];
    for (int t = 0; t < THREADS; t++) {
        parts[t] = (struct part){ t * SPAN + 1, (t + 1) * SPAN, 0 };
        if (pthread_create(&tid[t], NULL, sum_squares, &parts[t]) != 0) {
            fprintf(stderr, "threads: pthread_create failed\n");
            return 1;
        }
    }
    unsigned long long total = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(tid[t], NULL);
        printf("threads: part %d [%llu..%llu] = %llu\n", t, parts[t].first, parts[t].last, parts[t].sum);
        total += parts[t].sum;
    }
    printf("threads: total = %llu\n", total);
    return 0;
}
