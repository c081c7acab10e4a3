#include "innosim/outputs/table.hpp"
