// The single translation unit that compiles Boost.Asio's and Boost.Beast's
// non-template code (BOOST_ASIO/BEAST_SEPARATE_COMPILATION are defined for
// the whole library), so every other file only includes declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
