/* paced_lines N MS [FILE]: writes N numbered lines to stdout, one every MS milliseconds, each with
 * one write(2); with FILE, each line ends with FILE's first line, read again for every line (so a
 * test can change what a restarted run writes). Exits 5. For the restart-after-a-lost-node tests:
 * its output is deterministic, and a line written twice shows. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void first_line(const char *path, char *into, size_t size)
{
    into[0] = '\0';
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    ssize_t n = read(fd, into, size - 1);
    close(fd);
    into[n > 0 ? n : 0] = '\0';
    into[strcspn(into, "\n")] = '\0';
}

int main(int argc, char **argv)
{
    if (argc < 3)
    {
        fprintf(stderr, "usage: paced_lines N MS [FILE]\n");
        return 2;
    }
    int lines = atoi(argv[1]);
    long ms = atol(argv[2]);
    struct timespec pause = { ms / 1000, (ms % 1000) * 1000000L };
    for (int i = 1; i <= lines; i++)
    {
        char extra[128] = "", line[200];
        if (argc > 3)
            first_line(argv[3], extra, sizeof extra);
        int length = snprintf(line, sizeof line, "line %d of %d%s%s\n", i, lines, extra[0] ? " " : "", extra);
        if (write(1, line, (size_t)length) != length)
            return 1;
        nanosleep(&pause, NULL);
    }
    return 5;
}
