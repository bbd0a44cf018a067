/* An OpenMP program to checkpoint mid-run: 60 steps, each with two parallel regions on 4 threads (a reduction
 * and a parallel loop writing an array), one line per step from the main thread, 30 ms apart. libgomp's
 * threads spin, then sleep in futex waits between regions: a checkpoint finds them in either. */
#include <omp.h>
#include <stdio.h>
#include <time.h>

#define STEPS 60
#define N 400000

static double values[N];

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    omp_set_num_threads(4);
    for (int step = 1; step <= STEPS; step++) {
        unsigned long long sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
        for (long i = 0; i < N; i++)
            sum += (unsigned long long)((i * 2654435761u + (unsigned long long)step) % 1000003u);
#pragma omp parallel for schedule(static)
        for (long i = 0; i < N; i++)
            values[i] = (double)((i + step) % 97) * 0.5 + values[i] * 0.25;
        double checksum = 0;
        for (long i = 0; i < N; i += 1000)
            checksum += values[i];
        int threads = 0;
#pragma omp parallel
        {
#pragma omp atomic
            threads++;
        }
        printf("ckpt_openmp: step %d sum %llu checksum %.3f threads %d\n", step, sum, checksum, threads);
        struct timespec pause_for = { 0, 30 * 1000 * 1000 };
        nanosleep(&pause_for, NULL);
    }
    printf("ckpt_openmp: done\n");
    return 0;
}
