int counter = 5;
const char *const table[] = {"a","b"};
char buf[10000];
int (*fp)(void);
int f(void){return 1;}
void _start(void){ fp=f; buf[0]=counter+table[0][0]+fp(); register long a7 asm("a7")=93; register long a0 asm("a0")=buf[0]; asm volatile("ecall"::"r"(a0),"r"(a7)); for(;;); }
