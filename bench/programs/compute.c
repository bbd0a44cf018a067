/* compute.c - deterministic, syscall-free CPU loop for the compute-bound row.
 *
 * usage: compute [ITERATIONS]     (default 450000000, ~1 s natively on a
 *                                  current x86-64 core)
 *
 * A serial xorshift64 chain mixed into an accumulator: every iteration
 * depends on the previous one, so the compiler can neither vectorise it nor
 * fold it into a closed form. The final checksum is printed so the result
 * is observable (and so the runner can check that all runners agree).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 450000000ULL;
    uint64_t x = 88172645463325252ULL, acc = 0;

    for (uint64_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc += x * (i | 1);
        acc = (acc << 5) | (acc >> 59);
    }
    printf("%" PRIu64 " %016" PRIx64 "\n", n, acc);
    return 0;
}
