/* Touches MIB mebibytes with a non-zero pattern, says "ready", blocks reading one byte from
 * stdin (where it is checkpointed), then checks every page and says "ok" or "BAD": the
 * checkpoint/restore benchmark's process. With THREADS > 1 the memory is split between that many
 * threads, each filling and later checking its part, all of them alive (waiting at a barrier)
 * when the checkpoint is taken.
 *
 * usage: memtouch [MIB [THREADS]] */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct part { uint64_t *p; size_t first, last, bad; };

static pthread_barrier_t all_filled, all_read;

static void fill(struct part *part)
{
    for (size_t i = part->first; i < part->last; i++)
        part->p[i] = i * 0x9E3779B97F4A7C15ull + 1;
}

static void check(struct part *part)
{
    part->bad = SIZE_MAX;
    for (size_t i = part->first; i < part->last; i++)
        if (part->p[i] != i * 0x9E3779B97F4A7C15ull + 1) { part->bad = i; return; }
}

static void *toucher(void *arg)
{
    struct part *part = arg;
    fill(part);
    pthread_barrier_wait(&all_filled);
    pthread_barrier_wait(&all_read);
    check(part);
    return NULL;
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64, words = mib << 17;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    if (threads < 1 || threads > 64) { fprintf(stderr, "memtouch: 1 to 64 threads\n"); return 2; }
    uint64_t *p = malloc(words * sizeof *p);
    if (!p) { perror("malloc"); return 1; }
    struct part parts[64];
    pthread_t ids[64];
    pthread_barrier_init(&all_filled, NULL, (unsigned)threads);
    pthread_barrier_init(&all_read, NULL, (unsigned)threads);
    for (int t = 0; t < threads; t++)
        parts[t] = (struct part){ p, words * (size_t)t / (size_t)threads, words * (size_t)(t + 1) / (size_t)threads, 0 };
    for (int t = 1; t < threads; t++)
        if (pthread_create(&ids[t], NULL, toucher, &parts[t]) != 0) { fprintf(stderr, "memtouch: pthread_create failed\n"); return 1; }
    fill(&parts[0]);
    pthread_barrier_wait(&all_filled);
    printf("ready\n");
    fflush(stdout);
    char c;
    if (read(0, &c, 1) < 0) { perror("read"); return 1; }
    pthread_barrier_wait(&all_read);
    check(&parts[0]);
    for (int t = 1; t < threads; t++)
        pthread_join(ids[t], NULL);
    for (int t = 0; t < threads; t++)
        if (parts[t].bad != SIZE_MAX) { printf("BAD at %zu\n", parts[t].bad); return 1; }
    printf("ok\n");
    return 0;
}
