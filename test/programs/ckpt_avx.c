/* Checkpoint/restart of the extended register state: five 256-bit values (four doubles or four 64-bit
 * integers each) live in ymm registers through a long loop, including across the write and nanosleep system
 * calls in which a checkpoint finds the process, and only at the end go to memory to be printed. If a restore
 * loses the upper halves (or any of the AVX state), the final numbers differ. Built for plain x86-64: only
 * run() uses AVX2 and FMA (a target attribute), and main() checks that the CPU has them (exit 77 if not). */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#define STEPS 60
#define ITERATIONS 100000

struct result { double acc[4], harmonic[4], t[4], a[4]; uint64_t s[4]; };

/* A system call made with the five values as operands, so they are in ymm registers while the process is in
 * the kernel (where a checkpoint stops it) and are taken from there afterwards, not reloaded from memory. */
#define PINNED_SYSCALL3(ret, nr, a1, a2, a3)                                                          \
    __asm__ volatile("syscall"                                                                       \
                     : "=a"(ret), "+x"(acc), "+x"(harmonic), "+x"(t), "+x"(a), "+x"(s)               \
                     : "0"((long)(nr)), "D"((long)(a1)), "S"((long)(a2)), "d"((long)(a3))            \
                     : "rcx", "r11", "memory")

__attribute__((target("avx2,fma"))) static void run(struct result *out)
{
    __m256d acc = _mm256_setzero_pd();
    __m256d harmonic = _mm256_setzero_pd();
    __m256d t = _mm256_set_pd(4.0, 3.0, 2.0, 1.0);
    __m256d a = _mm256_set_pd(4.0625, 3.125, 2.25, 1.5);
    __m256i s = _mm256_set_epi64x(0x0123456789abcdefll, 0x7e57ab1e5eed5eedll, 0x2545f4914f6cdd1dll, 0x1d8e4e27c47d124fll);
    const __m256d four = _mm256_set1_pd(4.0), one = _mm256_set1_pd(1.0);
    const __m256d k = _mm256_set_pd(1.0 / 13, 1.0 / 11, 1.0 / 7, 1.0 / 3);
    const __m256d m = _mm256_set_pd(0.999999, 0.9999, 0.99, 0.9);
    struct timespec pause = { 0, 30 * 1000 * 1000 };
    char line[96];
    long ret;

    for (int step = 1; step <= STEPS; step++) {
        for (int i = 0; i < ITERATIONS; i++) {
            acc = _mm256_fmadd_pd(t, k, acc);
            harmonic = _mm256_add_pd(harmonic, _mm256_div_pd(one, t));
            t = _mm256_add_pd(t, four);
            a = _mm256_fmadd_pd(a, m, k);
            s = _mm256_xor_si256(s, _mm256_slli_epi64(s, 13));
            s = _mm256_xor_si256(s, _mm256_srli_epi64(s, 7));
            s = _mm256_xor_si256(s, _mm256_slli_epi64(s, 17));
            __asm__ volatile("" : "+x"(acc), "+x"(harmonic), "+x"(t), "+x"(a), "+x"(s)); /* stay in registers */
        }
        /* Progress shows the top lane of s, from the upper half of its register. */
        int n = snprintf(line, sizeof line, "ckpt_avx: step %d s3 %016llx\n", step,
                         (unsigned long long)_mm256_extract_epi64(s, 3));
        PINNED_SYSCALL3(ret, SYS_write, 1, line, n);
        if (ret != n)
            return;
        PINNED_SYSCALL3(ret, SYS_nanosleep, &pause, 0, 0); /* an interrupted sleep is just shorter */
    }
    _mm256_storeu_pd(out->acc, acc);
    _mm256_storeu_pd(out->harmonic, harmonic);
    _mm256_storeu_pd(out->t, t);
    _mm256_storeu_pd(out->a, a);
    _mm256_storeu_si256((__m256i *)out->s, s);
}

int main(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        fprintf(stderr, "ckpt_avx: this CPU has no AVX2/FMA\n");
        return 77;
    }
    struct result r;
    memset(&r, 0, sizeof r);
    run(&r);
    for (int lane = 0; lane < 4; lane++) {
        printf("ckpt_avx: lane %d acc %.17g harmonic %.17g t %.17g a %.17g s %016llx\n", lane, r.acc[lane],
               r.harmonic[lane], r.t[lane], r.a[lane], (unsigned long long)r.s[lane]);
    }
    return 0;
}
