/* No clock set-up: the core keeps its reset clock (a board file without [clock]). */
#include "es_clock.h"

void es_clock_init(void)
{
}
