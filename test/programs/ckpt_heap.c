/* Checkpoint/restart of a growing heap: every 30 ms for 60 steps it frees the oldest of 8 live blocks and
 * allocates a larger one (small ones from the brk heap, every fourth one past the mmap threshold, so from its
 * own mmap), keeps one more 4 KiB block for good (the brk heap only grows), fills every block with a pattern,
 * checks all live blocks and prints their checksum. After a restart, malloc must go on growing the restored
 * heap with brk and mmap. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STEPS 60
#define LIVE 8
#define KEPT_SIZE 4096

struct block { unsigned char *bytes; size_t size; int step; };

static unsigned char pattern(int step, size_t i) { return (unsigned char)(step * 31 + i * 7 + (i >> 9)); }

static void fill(struct block *b)
{
    for (size_t i = 0; i < b->size; i++)
        b->bytes[i] = pattern(b->step, i);
}

/* FNV-1a over the block; -1 if any byte is not what fill() put there. */
static int64_t check(const struct block *b, uint64_t *hash)
{
    for (size_t i = 0; i < b->size; i++) {
        if (b->bytes[i] != pattern(b->step, i))
            return -1;
        *hash = (*hash ^ b->bytes[i]) * 1099511628211ull;
    }
    return 0;
}

static void say(const char *line)
{
    if (write(1, line, strlen(line)) < 0)
        _exit(3);
}

int main(void)
{
    /* A fixed threshold: glibc would otherwise raise it when an mmapped block is freed, and move large
     * blocks to the brk heap. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    struct block live[LIVE] = { 0 }, kept[STEPS] = { 0 };
    struct timespec pause = { 0, 30 * 1000 * 1000 };
    char line[160];
    for (int step = 1; step <= STEPS; step++) {
        struct block *slot = &live[step % LIVE];
        free(slot->bytes);
        slot->size = step % 4 == 0 ? 200 * 1024 + (size_t)step * 8192 : 512 + (size_t)step * step * 32;
        slot->step = step;
        slot->bytes = malloc(slot->size);
        kept[step - 1] = (struct block){ malloc(KEPT_SIZE), KEPT_SIZE, step + 1000 };
        if (slot->bytes == NULL || kept[step - 1].bytes == NULL) { say("ckpt_heap: out of memory\n"); return 1; }
        fill(slot);
        fill(&kept[step - 1]);

        uint64_t hash = 1469598103934665603ull;
        size_t bytes = 0;
        for (int i = 0; i < LIVE; i++) {
            if (live[i].bytes == NULL)
                continue;
            if (check(&live[i], &hash) != 0) { snprintf(line, sizeof line, "ckpt_heap: block of step %d damaged\n", live[i].step); say(line); return 1; }
            bytes += live[i].size;
        }
        for (int i = 0; i < step; i++) {
            if (check(&kept[i], &hash) != 0) { snprintf(line, sizeof line, "ckpt_heap: kept block %d damaged\n", i); say(line); return 1; }
            bytes += kept[i].size;
        }
        snprintf(line, sizeof line, "ckpt_heap: step %d live %zu bytes fnv %016llx\n", step, bytes, (unsigned long long)hash);
        say(line);
        nanosleep(&pause, NULL);
    }
    for (int i = 0; i < LIVE; i++)
        free(live[i].bytes);
    for (int i = 0; i < STEPS; i++)
        free(kept[i].bytes);
    say("ckpt_heap: done\n");
    return 0;
}
