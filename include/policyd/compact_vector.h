// CompactVector<T>: a std::vector<T> with value semantics that costs one pointer while empty.
//
// For fields that are empty in nearly every object of a kind held by the million (a document's
// selectors, ranges, extra pages): a std::vector is 24 bytes even when empty; this is 8, and
// the vector is on the heap only once the first element is there.
//
// Contract:
//  - Value semantics: a copy is deep and independent of its source; a move takes the
//    elements (the source is left empty); == compares the elements.
//  - Empty means no allocation: the default, a std::vector or initializer list that is empty,
//    clear(), and a move's source all hold a null pointer. view() of an empty CompactVector is
//    one shared, immutable empty vector (the same object for every CompactVector<T>).
//  - Readers use view() or the implicit conversion to const std::vector<T>&; the reference
//    stays valid until the CompactVector is changed or destroyed.
//  - Mutable iterators and operator[] are valid as a std::vector's are; begin() == end() on an
//    empty CompactVector without allocating.
//  - Not thread-safe for concurrent writers (as a std::vector).
#ifndef POLICYD_COMPACT_VECTOR_H_
#define POLICYD_COMPACT_VECTOR_H_

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

namespace policyd {

template <typename T>
class CompactVector {
 public:
  using Vector = std::vector<T>;
  using value_type = T;
  using size_type = typename Vector::size_type;
  using reference = typename Vector::reference;
  using const_reference = typename Vector::const_reference;
  using iterator = typename Vector::iterator;
  using const_iterator = typename Vector::const_iterator;

  CompactVector() = default;
  CompactVector(Vector elements) { Assign(std::move(elements)); }  // NOLINT: a vector's value
  CompactVector(std::initializer_list<T> elements) : CompactVector(Vector(elements)) {}
  CompactVector(const CompactVector& other)
      : elements_(other.elements_ ? std::make_unique<Vector>(*other.elements_) : nullptr) {}
  CompactVector(CompactVector&& other) noexcept = default;
  CompactVector& operator=(const CompactVector& other) {
    if (this != &other) *this = CompactVector(other);
    return *this;
  }
  CompactVector& operator=(CompactVector&& other) noexcept = default;
  CompactVector& operator=(Vector elements) {
    Assign(std::move(elements));
    return *this;
  }
  CompactVector& operator=(std::initializer_list<T> elements) { return *this = Vector(elements); }
  ~CompactVector() = default;

  // The elements as a vector: the shared empty one while there are none.
  const Vector& view() const { return elements_ ? *elements_ : EmptyVector(); }
  operator const Vector&() const { return view(); }  // NOLINT: reads as the vector it holds

  bool empty() const { return !elements_ || elements_->empty(); }
  size_type size() const { return elements_ ? elements_->size() : 0; }
  const_reference operator[](size_type index) const { return (*elements_)[index]; }
  reference operator[](size_type index) { return (*elements_)[index]; }
  const_iterator begin() const { return view().begin(); }
  const_iterator end() const { return view().end(); }
  // Value-initialised vector iterators compare equal: an empty range without allocating.
  iterator begin() { return elements_ ? elements_->begin() : iterator(); }
  iterator end() { return elements_ ? elements_->end() : iterator(); }

  void clear() { elements_.reset(); }
  void push_back(const T& element) { Mutable().push_back(element); }
  void push_back(T&& element) { Mutable().push_back(std::move(element)); }
  template <typename... Args>
  reference emplace_back(Args&&... args) {
    return Mutable().emplace_back(std::forward<Args>(args)...);
  }
  template <typename InputIt>
  void assign(InputIt first, InputIt last) {
    Assign(Vector(first, last));
  }

  friend bool operator==(const CompactVector& a, const CompactVector& b) {
    return a.view() == b.view();
  }
  friend bool operator==(const CompactVector& a, const Vector& b) { return a.view() == b; }

 private:
  static const Vector& EmptyVector() {
    static const Vector empty;
    return empty;
  }
  Vector& Mutable() {
    if (!elements_) elements_ = std::make_unique<Vector>();
    return *elements_;
  }
  void Assign(Vector elements) {
    if (elements.empty()) {
      elements_.reset();
    } else {
      elements_ = std::make_unique<Vector>(std::move(elements));
    }
  }

  std::unique_ptr<Vector> elements_;  // null while empty
};

}  // namespace policyd

#endif  // POLICYD_COMPACT_VECTOR_H_
