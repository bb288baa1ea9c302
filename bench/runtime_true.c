/* runtime_true.c: a static `true`, so no run pays for the dynamic loader. */
int main(void) { return 0; }
