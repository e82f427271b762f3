// The single translation unit that compiles Boost.Asio's non-template code
// for everything in Plenary (server, video relay, tests): the plenary_asio
// library defines BOOST_ASIO_SEPARATE_COMPILATION for all who link it, so
// Asio is built once and every part sees the same definitions.
#include <boost/asio/impl/src.hpp>
