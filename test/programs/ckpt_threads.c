/* A multi-threaded program, which a checkpoint must refuse: 3 threads sleep on a condition variable while the
 * main thread prints "ready" and reads stdin to EOF; then it wakes them, joins them and says done. The test
 * decides when the threads go away (by closing stdin), so they are surely there when it asks for a checkpoint. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int finished;

static void *sleeper(void *arg)
{
    pthread_mutex_lock(&lock);
    while (!finished)
        pthread_cond_wait(&wake, &lock);
    pthread_mutex_unlock(&lock);
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

    char buf[256];
    size_t total = 0;
    ssize_t got;
    while ((got = read(0, buf, sizeof buf)) > 0)
        total += (size_t)got;

    pthread_mutex_lock(&lock);
    finished = 1;
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    printf("ckpt_threads: read %zu bytes, joined 3 threads, done\n", total);
    return 0;
}
