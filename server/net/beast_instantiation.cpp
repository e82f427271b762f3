// The single translation unit that compiles Boost.Beast's non-template code
// (BOOST_BEAST_SEPARATE_COMPILATION is defined for the whole library), so
// every other file only includes declarations. Asio's is in
// asio_instantiation.cpp.
#include <boost/beast/src.hpp>
