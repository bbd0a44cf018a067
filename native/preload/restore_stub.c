/*
 * mosix-restore: the restorer stub. A process with nothing of its own: no libc,
 * no data, one loop of pause(2). The supervisor seizes it, stops it, replaces its
 * whole address space with a checkpoint image through injected system calls
 * (src/Migrator/Restore) and loads the image's registers: from then on it is
 * the restored program. It never gets to run this loop for long.
 */
#include <asm/unistd.h>

__attribute__((noreturn, used)) void _start(void)
{
    for (;;) {
        long ret;
        __asm__ volatile("syscall" : "=a"(ret) : "a"(__NR_pause) : "rcx", "r11", "memory");
    }
}
