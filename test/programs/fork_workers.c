/*
 * An MPI-style fork-and-compute program: forks argv[1] workers (default 3), each of which runs a
 * CPU-bound loop of argv[2] iterations (default 200000000) seeded by its number, writes one line
 * with its result to a pipe the parent reads, and exits with its number as status. The parent
 * prints the lines in worker order, then each worker's status as wait(2) reports it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64

static void work(int number, uint64_t iterations, int out)
{
    uint64_t x = 88172645463325252ull + (uint64_t)number, acc = 0;
    for (uint64_t i = 1; i <= iterations; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        acc += x % 1000;
    }
    char line[128];
    int n = snprintf(line, sizeof line, "worker %d: acc=%llu\n", number, (unsigned long long)acc);
    if (write(out, line, (size_t)n) != n)
        _exit(100);
    _exit(number);
}

int main(int argc, char **argv)
{
    int workers = argc > 1 ? atoi(argv[1]) : 3;
    uint64_t iterations = argc > 2 ? strtoull(argv[2], NULL, 10) : 200000000u;
    if (workers < 1 || workers > MAX_WORKERS) {
        fprintf(stderr, "fork_workers: 1 to %d workers\n", MAX_WORKERS);
        return 2;
    }
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
    }
    pid_t pids[MAX_WORKERS];
    for (int i = 0; i < workers; i++) {
        pids[i] = fork();
        if (pids[i] < 0) {
            perror("fork");
            return 1;
        }
        if (pids[i] == 0) {
            close(fds[0]);
            work(i + 1, iterations, fds[1]);
        }
    }
    close(fds[1]);
    printf("started %d workers\n", workers);
    fflush(stdout);

    /* Lines arrive in whatever order the workers finish: kept by worker number. */
    static char lines[MAX_WORKERS][128];
    char buffer[8192];
    size_t have = 0;
    ssize_t n;
    while ((n = read(fds[0], buffer + have, sizeof buffer - 1 - have)) > 0) {
        have += (size_t)n;
        buffer[have] = '\0';
        char *end;
        while ((end = strchr(buffer, '\n')) != NULL) {
            *end = '\0';
            int number = 0;
            if (sscanf(buffer, "worker %d:", &number) == 1 && number >= 1 && number <= workers)
                snprintf(lines[number - 1], sizeof lines[0], "%.120s", buffer);
            size_t used = (size_t)(end - buffer) + 1;
            memmove(buffer, end + 1, have - used + 1);
            have -= used;
        }
    }
    for (int i = 0; i < workers; i++)
        printf("%s\n", lines[i][0] ? lines[i] : "(no line)");
    int failures = 0;
    for (int i = 0; i < workers; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) != pids[i]) {
            perror("waitpid");
            return 1;
        }
        if (WIFEXITED(status))
            printf("worker %d exited with %d\n", i + 1, WEXITSTATUS(status));
        else
            printf("worker %d killed by signal %d\n", i + 1, WTERMSIG(status));
        failures += !(WIFEXITED(status) && WEXITSTATUS(status) == i + 1);
    }
    return failures ? 1 : 0;
}
