#include "badge/badge.hpp"

namespace plenary::badge {

std::string_view category_label(domain::Category category) noexcept {
  switch (category) {
    case domain::Category::head_of_delegation: return "Head of delegation";
    case domain::Category::delegate: return "Delegate";
    case domain::Category::observer: return "Observer";
    case domain::Category::speaker: return "Speaker";
    case domain::Category::press: return "Press";
    case domain::Category::staff: return "Staff";
    case domain::Category::organiser: return "Organiser";
  }
  return "Delegate";
}

}  // namespace plenary::badge
