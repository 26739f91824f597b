print("socklab-bench: nothing to measure yet")
