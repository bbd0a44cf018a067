/* A multi-threaded program, which a checkpoint must refuse: 3 threads sleep 1.5 s while the main thread
 * prints "ready" and then a line every 30 ms for 50 steps; then it joins them and says done. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static void *sleeper(void *arg)
{
    struct timespec nap = { 1, 500 * 1000 * 1000 };
    nanosleep(&nap, NULL);
    return arg;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t threads[3];
    for (int i = 0; i < 3; i++) {
        if (pthread_create(&threads[i], NULL, sleeper, NULL) != 0) { fprintf(stderr, "ckpt_threads: pthread_create failed\n"); return 1; }
    }
    printf("ckpt_threads: ready with 3 threads\n");
    struct timespec pause = { 0, 30 * 1000 * 1000 };
    for (int step = 1; step <= 50; step++) {
        printf("ckpt_threads: step %d\n", step);
        nanosleep(&pause, NULL);
    }
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    printf("ckpt_threads: done\n");
    return 0;
}
