/* compute.c - deterministic, syscall-free CPU loop for the compute-bound rows.
 *
 * usage: compute [ITERATIONS [THREADS]]   (default 450000000, ~1 s natively on a
 *                                          current x86-64 core; 1 thread)
 *
 * A serial xorshift64 chain mixed into an accumulator: every iteration
 * depends on the previous one, so the compiler can neither vectorise it nor
 * fold it into a closed form. With THREADS > 1 the iterations are split into
 * that many chains, one per thread, each from its own seed, and their
 * accumulators are combined in thread order. The final checksum is printed so
 * the result is observable (and so the runner can check that all runners agree).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct chain { uint64_t n, seed, acc; };

static void *run(void *arg)
{
    struct chain *c = arg;
    uint64_t x = c->seed, acc = 0;
    for (uint64_t i = 0; i < c->n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc += x * (i | 1);
        acc = (acc << 5) | (acc >> 59);
    }
    c->acc = acc;
    return NULL;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 450000000ULL;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "compute: THREADS must be 1 to 64\n");
        return 2;
    }
    struct chain chains[64];
    pthread_t ids[64];
    for (int t = 0; t < threads; t++) {
        chains[t] = (struct chain){ .n = n / (uint64_t)threads, .seed = 88172645463325252ULL + (uint64_t)t * 0x9E3779B97F4A7C15ULL };
        if (t > 0 && pthread_create(&ids[t], NULL, run, &chains[t]) != 0)
            return 1;
    }
    run(&chains[0]);
    uint64_t acc = chains[0].acc;
    for (int t = 1; t < threads; t++) {
        pthread_join(ids[t], NULL);
        acc = (acc << 7 | acc >> 57) ^ chains[t].acc;
    }
    printf("%" PRIu64 " %016" PRIx64 "\n", n, acc);
    return 0;
}
