/* One thread blocked reading stdin while another computes: a reader thread echoes each line it
 * reads ("read: ..."), and the main thread computes in 40 steps, printing each step's digest. At
 * the end the main thread joins the reader, which ends at end of input, and says how many lines
 * came. Away from home, the reader's read waits at home while the computing thread runs and
 * prints: neither holds up the other. With the argument "leave", the main thread ends the process
 * instead (exit_group) while the reader is still blocked in its read. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STEPS 40

static int lines;

static void *reader(void *arg)
{
    (void)arg;
    char buffer[256];
    size_t used = 0;
    ssize_t n;
    /* read(2) straight from the descriptor: one blocking call at a time, no stdio buffering. */
    while ((n = read(0, buffer + used, sizeof buffer - 1 - used)) > 0) {
        used += (size_t)n;
        buffer[used] = 0;
        char *end;
        while ((end = strchr(buffer, '\n')) != NULL) {
            *end = 0;
            printf("read: %s\n", buffer);
            fflush(stdout);
            lines++;
            used -= (size_t)(end + 1 - buffer);
            memmove(buffer, end + 1, used + 1);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t thread;
    if (pthread_create(&thread, NULL, reader, NULL) != 0)
        return 1;
    unsigned long long x = 1;
    for (int step = 1; step <= STEPS; step++) {
        for (int k = 0; k < 2000000; k++)
            x = x * 6364136223846793005ULL + (unsigned long long)step;
        printf("compute: step %d digest %llx\n", step, x >> 16);
        fflush(stdout);
        nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
    }
    if (argc > 1 && strcmp(argv[1], "leave") == 0) {
        printf("threads_stdin: done, leaving the reader in its read\n");
        fflush(stdout);
        return 3;
    }
    pthread_join(thread, NULL);
    printf("threads_stdin: done, %d lines read\n", lines);
    return 0;
}
