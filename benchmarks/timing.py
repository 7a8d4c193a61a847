"""Side-by-side timing for the benchmarks: alternate between the contenders, so that all see the same machine."""
import time
import numpy as np


def best_seconds_per_call(calls:dict, # name -> a function of no arguments that returns a tensor (fetched after each round)
                          calls_per_round:int, # calls timed together
                          rounds:int, # rounds, alternating over all the calls; the best round counts
                         ) -> dict: # name -> seconds per call in its best round
    "Time every function in `calls` over `rounds` alternating rounds; the best round of each, in seconds per call."
    best = {name: float("inf") for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            for _ in range(calls_per_round): result = call()
            np.asarray(result)                       # wait for the last call's work
            best[name] = min(best[name], (time.perf_counter() - started) / calls_per_round)
    return best
