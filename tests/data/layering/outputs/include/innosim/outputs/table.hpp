#pragma once
#include "innosim/run/results.hpp"  // outputs -> engine: fine
#include <CLI/CLI.hpp>  // the program's library: refused
