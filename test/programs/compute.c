/* Exercises a CPU-bound loop with no system calls: argv[1] iterations (default 10000000), prints the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    uint64_t iterations = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000u;
    uint64_t x = 88172645463325252ull, acc = 0;
    double harmonic = 0.0;
    for (uint64_t i = 1; i <= iterations; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64 */
        acc += x % 1000;
        harmonic += 1.0 / (double)i;
    }
    printf("compute: iterations=%llu acc=%llu harmonic=%.6f\n",
           (unsigned long long)iterations, (unsigned long long)acc, harmonic);
    return 0;
}
