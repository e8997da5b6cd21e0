// SharedGate: a readers-writer lock that lets a waiting writer in. Many
// holders share it (lock_shared) or one holds it alone (lock); once a thread
// waits to hold it alone, threads asking to share it wait behind that one.
// std::shared_mutex on glibc prefers readers, so a steady stream of shared
// holders (searches) could keep an exclusive one (a feed load) waiting for
// ever. Meets the SharedLockable requirements: use it with std::unique_lock,
// std::lock_guard and std::shared_lock. Not recursive.
#ifndef CP_CORE_SHARED_GATE_H_
#define CP_CORE_SHARED_GATE_H_

#include <mutex>
#include <shared_mutex>

namespace cp::core {

class SharedGate {
 public:
  // A thread waiting for the lock holds turn_, so later arrivals of either
  // kind queue on turn_ behind it.
  void lock() {
    std::lock_guard<std::mutex> turn(turn_);
    mu_.lock();
  }
  bool try_lock() {
    std::unique_lock<std::mutex> turn(turn_, std::try_to_lock);
    return turn.owns_lock() && mu_.try_lock();
  }
  void unlock() { mu_.unlock(); }

  void lock_shared() {
    std::lock_guard<std::mutex> turn(turn_);
    mu_.lock_shared();
  }
  bool try_lock_shared() {
    std::unique_lock<std::mutex> turn(turn_, std::try_to_lock);
    return turn.owns_lock() && mu_.try_lock_shared();
  }
  void unlock_shared() { mu_.unlock_shared(); }

 private:
  std::mutex turn_;
  std::shared_mutex mu_;
};

}  // namespace cp::core

#endif  // CP_CORE_SHARED_GATE_H_
