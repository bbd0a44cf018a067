// C++ threads to checkpoint mid-run: 4 std::threads spin on std::atomic step counters (acquire/release, no
// mutex), each adding its share into an atomic total, while main publishes the next step every 30 ms and prints
// the total of the last. A std::condition_variable wakes a fifth thread once per step; everything is joined at
// the end.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

static std::atomic<int> published{0};
static std::atomic<int> finished{0};
static std::atomic<unsigned long long> total{0};
static std::mutex lock;
static std::condition_variable ticked;
static int ticks_seen = 0;

static void worker(int index)
{
    for (int step = 1; step <= 60; step++) {
        while (published.load(std::memory_order_acquire) < step)
            std::this_thread::yield();
        unsigned long long mine = 0;
        for (unsigned k = 0; k < 300000; k++)
            mine = mine * 2862933555777941757ULL + static_cast<unsigned long long>(index + 1) * step + k;
        total.fetch_add(mine >> 20, std::memory_order_relaxed);
        finished.fetch_add(1, std::memory_order_release);
    }
}

int main()
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::vector<std::thread> workers;
    for (int i = 0; i < 4; i++)
        workers.emplace_back(worker, i);
    std::thread counter([] {
        std::unique_lock<std::mutex> held(lock);
        while (ticks_seen < 60)
            ticked.wait(held);
    });
    for (int step = 1; step <= 60; step++) {
        published.store(step, std::memory_order_release);
        while (finished.load(std::memory_order_acquire) < 4 * step)
            std::this_thread::yield();
        {
            std::lock_guard<std::mutex> held(lock);
            ticks_seen++;
        }
        ticked.notify_one();
        std::printf("ckpt_cxx_threads: step %d total %llu\n", step, total.load());
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
    for (auto &t : workers)
        t.join();
    counter.join();
    std::printf("ckpt_cxx_threads: done, total %llu, joined 5 threads\n", total.load());
    return 0;
}
