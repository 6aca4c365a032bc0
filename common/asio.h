// File: common/asio.h
// Include Boost.Asio through this header. Boost 1.74's asio/awaitable.hpp uses
// std::exchange without including <utility>, which fails under g++ 12 in C++20 mode
// unless <utility> comes first; clang-format would otherwise reorder the two.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on
