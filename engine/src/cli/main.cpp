// innosim command line (being written: see engine/src/cli).
#include <cstdio>
int main() { std::puts("innosim: under construction"); return 1; }
