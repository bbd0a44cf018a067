/* big_io FILE MAXBYTES: one call per transfer, of sizes from 1 B to MAXBYTES, with each of
 * write, pwrite64, writev, pwritev, then read back by each of read, pread64, readv, preadv, and
 * compared with what was written. Prints one line per transfer: the call, its size and what
 * it returned, and whether the bytes read are the bytes written. Leaves FILE as the last write
 * made it, for the caller to compare byte for byte. Away from home every one of these calls is
 * made at home; past 16 MiB each is made there as several. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define OFFSET 12345 /* not page-aligned: positions and offsets must advance piece by piece */

enum { WRITE, PWRITE, WRITEV, PWRITEV };
enum { READ, PREAD, READV, PREADV };
static const char *writers[] = {"write", "pwrite64", "writev", "pwritev"};
static const char *readers[] = {"read", "pread64", "readv", "preadv"};

static void fill(unsigned char *buffer, size_t size, uint64_t seed)
{
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < size; i += sizeof x) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        memcpy(buffer + i, &x, size - i < sizeof x ? size - i : sizeof x);
    }
}

/* Three iovecs of uneven sizes over one buffer (the middle one empty for small sizes). */
static int vectors(struct iovec *v, unsigned char *buffer, size_t size)
{
    size_t a = size / 3, b = size / 5;
    v[0] = (struct iovec){buffer, a};
    v[1] = (struct iovec){buffer + a, b};
    v[2] = (struct iovec){buffer + a + b, size - a - b};
    return 3;
}

static ssize_t put(int fd, int how, unsigned char *buffer, size_t size)
{
    struct iovec v[3];
    if (how == PWRITE)
        return pwrite(fd, buffer, size, OFFSET);
    if (how == PWRITEV)
        return pwritev(fd, v, vectors(v, buffer, size), OFFSET);
    if (lseek(fd, OFFSET, SEEK_SET) != OFFSET)
        return -1;
    return how == WRITE ? write(fd, buffer, size) : writev(fd, v, vectors(v, buffer, size));
}

static ssize_t get(int fd, int how, unsigned char *buffer, size_t size)
{
    struct iovec v[3];
    if (how == PREAD)
        return pread(fd, buffer, size, OFFSET);
    if (how == PREADV)
        return preadv(fd, v, vectors(v, buffer, size), OFFSET);
    if (lseek(fd, OFFSET, SEEK_SET) != OFFSET)
        return -1;
    return how == READ ? read(fd, buffer, size) : readv(fd, v, vectors(v, buffer, size));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: big_io FILE MAXBYTES\n");
        return 2;
    }
    size_t max = strtoull(argv[2], NULL, 0);
    setvbuf(stdout, NULL, _IOLBF, 0); /* a test moves it between two lines */
    const size_t sizes[] = {1, 4095, 65537, 1 << 20, (16 << 20) - 1, 16 << 20, (16 << 20) + 1,
                            (33 << 20) + 5, 64 << 20, 256u << 20};
    unsigned char *written = malloc(max), *read_back = malloc(max + 1);
    if (!written || !read_back) {
        perror("malloc");
        return 1;
    }
    int failures = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0] && sizes[s] <= max; s++) {
        size_t size = sizes[s];
        for (int w = WRITE; w <= PWRITEV; w++) {
            int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
            if (fd < 0) {
                perror(argv[1]);
                return 1;
            }
            fill(written, size, size * 4 + w);
            ssize_t put_ret = put(fd, w, written, size);
            printf("%s %zu: %zd\n", writers[w], size, put_ret);
            /* Every reader after each writer up to 16 MiB; past it, the reader of the same kind. */
            for (int r = READ; r <= PREADV; r++) {
                if (size > (16u << 20) + 1 && r != w)
                    continue;
                memset(read_back, 0xA5, size + 1);
                /* One byte more than was written: the read must stop at the end of the file. */
                ssize_t got = get(fd, r, read_back, size + 1);
                int same = got == (ssize_t)size && memcmp(written, read_back, size) == 0 && read_back[size] == 0xA5;
                failures += !same;
                printf("  %s %zu: %zd %s\n", readers[r], size + 1, got, same ? "same bytes" : "DIFFERENT BYTES");
            }
            close(fd);
        }
    }
    fflush(stdout);
    return failures ? 1 : 0;
}
