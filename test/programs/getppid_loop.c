/* Exercises a tight loop of real system calls: syscall(SYS_getppid) argv[1] times (default 100000). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
    printf("done\n");
    return 0;
}
