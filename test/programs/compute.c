/* Exercises a CPU-bound loop with no system calls: argv[1] iterations (default 10000000), prints the result.
 * With argv[2] = THREADS > 1 the iterations are shared out between that many threads, each running its own
 * chain from its own seed; their sums are added in thread order, so the output is the same on every run. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct chain { uint64_t first, last, seed, acc; double harmonic; };

static void *run(void *arg)
{
    struct chain *c = arg;
    uint64_t x = c->seed, acc = 0;
    double harmonic = 0.0;
    for (uint64_t i = c->first; i <= c->last; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64 */
        acc += x % 1000;
        harmonic += 1.0 / (double)i;
    }
    c->acc = acc;
    c->harmonic = harmonic;
    return NULL;
}

int main(int argc, char **argv)
{
    uint64_t iterations = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000u;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "compute: THREADS must be 1 to 64\n");
        return 2;
    }
    struct chain chains[64];
    pthread_t ids[64];
    uint64_t share = iterations / (uint64_t)threads;
    for (int t = 0; t < threads; t++) {
        chains[t] = (struct chain){ .first = (uint64_t)t * share + 1, .last = t == threads - 1 ? iterations : (uint64_t)(t + 1) * share,
                                    .seed = 88172645463325252ull + (uint64_t)t * 0x9E3779B97F4A7C15ull };
        if (t > 0 && pthread_create(&ids[t], NULL, run, &chains[t]) != 0)
            return 1;
    }
    run(&chains[0]);
    uint64_t acc = chains[0].acc;
    double harmonic = chains[0].harmonic;
    for (int t = 1; t < threads; t++) {
        pthread_join(ids[t], NULL);
        acc += chains[t].acc;
        harmonic += chains[t].harmonic;
    }
    if (threads == 1)
        printf("compute: iterations=%llu acc=%llu harmonic=%.6f\n", (unsigned long long)iterations, (unsigned long long)acc, harmonic);
    else
        printf("compute: iterations=%llu threads=%d acc=%llu harmonic=%.6f\n", (unsigned long long)iterations, threads, (unsigned long long)acc, harmonic);
    return 0;
}
