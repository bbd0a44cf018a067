/* getppid_loop.c - N raw getppid() system calls, for the syscall round-trip row.
 *
 * usage: getppid_loop [COUNT]     (default 1000000)
 *
 * Uses syscall(SYS_getppid) rather than getppid() so that no libc caching
 * can ever turn it into a non-call. Prints the count and a checksum so the
 * runner can check that all runners agree.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000L;
    long ppid0 = syscall(SYS_getppid), mismatches = 0;

    for (long i = 0; i < n; i++)
        if (syscall(SYS_getppid) != ppid0)
            mismatches++;
    printf("%ld calls, %ld mismatches\n", n, mismatches);
    return mismatches != 0;
}
