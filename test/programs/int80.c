/* Exercises a foreign-ABI call: the 32-bit `int $0x80` getpid (i386 number 20) from a 64-bit program. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    long ret;
    /* int $0x80 takes the i386 numbering and zeroes r8-r11 on return. */
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "r8", "r9", "r10", "r11", "memory");
    printf("int80: getpid via int $0x80 returned a positive number: %s\n", ret > 0 ? "yes" : "no");
    printf("int80: it matches getpid(): %s\n", ret == (long)getpid() ? "yes" : "no");
    return 0;
}
