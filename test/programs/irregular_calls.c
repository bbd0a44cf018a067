/* irregular_calls FILE: calls whose pointer argument's shape depends on another argument, each
 * printed with its result: fcntl record locks (POSIX and open-file-description), pipe sizes,
 * System V semaphores (semctl), supplementary groups (getgroups, and setgroups when root).
 * Prints "ready" and waits for a line on stdin before the calls (a test moves it away
 * meanwhile); prints "holding" with a write lock on FILE's first 100 bytes and waits for a
 * second line before it ends (a test checks from home that the lock is held). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/sem.h>
#include <unistd.h>

static void wait_line(void)
{
    char c;
    while (read(0, &c, 1) == 1 && c != '\n')
        ;
}

static const char *result(long r) { return r < 0 ? strerror(errno) : "ok"; }

static struct flock range(short type, off_t start, off_t len)
{
    struct flock l;
    memset(&l, 0, sizeof l);
    l.l_type = type;
    l.l_whence = SEEK_SET;
    l.l_start = start;
    l.l_len = len;
    return l;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: irregular_calls FILE\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    wait_line();

    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644), other = open(argv[1], O_RDWR);
    if (fd < 0 || other < 0) {
        perror(argv[1]);
        return 1;
    }
    struct flock l = range(F_WRLCK, 0, 100);
    printf("F_SETLK write 0-99: %s\n", result(fcntl(fd, F_SETLK, &l)));
    l = range(F_WRLCK, 0, 10);
    printf("F_GETLK own range: %s, type %d\n", result(fcntl(fd, F_GETLK, &l)), l.l_type);
    l = range(F_RDLCK, 50, 10);
    long r = fcntl(other, F_OFD_GETLK, &l);
    printf("F_OFD_GETLK 50-59: %s, type %s, held by this process: %s, start %ld, len %ld\n", result(r),
           l.l_type == F_WRLCK ? "write" : "other", l.l_pid == getpid() ? "yes" : "no", (long)l.l_start, (long)l.l_len);
    l = range(F_RDLCK, 50, 10);
    printf("F_OFD_SETLK 50-59 against it: %s\n", result(fcntl(other, F_OFD_SETLK, &l)));
    l = range(F_RDLCK, 200, 10);
    printf("F_OFD_SETLKW 200-209: %s\n", result(fcntl(other, F_OFD_SETLKW, &l)));

    int pipes[2];
    if (pipe(pipes) != 0) {
        perror("pipe");
        return 1;
    }
    printf("F_SETPIPE_SZ 131072: %s\n", result(fcntl(pipes[1], F_SETPIPE_SZ, 131072)));
    printf("F_GETPIPE_SZ: %d\n", fcntl(pipes[1], F_GETPIPE_SZ));

    int set = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    printf("semget: %s\n", result(set));
    printf("semctl SETVAL 1 = 7: %s\n", result(semctl(set, 1, SETVAL, 7)));
    printf("semctl GETVAL 1: %d\n", semctl(set, 1, GETVAL));
    struct semid_ds ds;
    memset(&ds, 0, sizeof ds);
    r = semctl(set, 0, IPC_STAT, &ds);
    printf("semctl IPC_STAT: %s, nsems %lu, mode %o\n", result(r), (unsigned long)ds.sem_nsems, ds.sem_perm.mode & 0777);
    struct seminfo info;
    memset(&info, 0, sizeof info);
    r = semctl(set, 0, IPC_INFO, &info);
    printf("semctl IPC_INFO: %s, semmsl %d, semopm %d\n", r < 0 ? strerror(errno) : "ok", info.semmsl, info.semopm);
    printf("semctl IPC_RMID: %s\n", result(semctl(set, 0, IPC_RMID)));

    gid_t groups[64];
    int count = getgroups(0, NULL);
    printf("getgroups(0): %s\n", count >= 0 && getgroups(64, groups) == count ? "the count of the list" : "wrong");
    if (geteuid() == 0) {
        gid_t wanted[] = {4, 5, 6};
        printf("setgroups {4,5,6}: %s\n", result(setgroups(3, wanted)));
        count = getgroups(64, groups);
        printf("getgroups:");
        for (int i = 0; i < count; i++)
            printf(" %d", (int)groups[i]);
        printf("\n");
    }

    printf("holding\n");
    wait_line();
    return 0;
}
