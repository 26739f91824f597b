import FuzzHarness

/// libFuzzer's entry for the 'scenario' target (see FuzzTarget.scenario); built only with SOCKLAB_FUZZ=1.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.fuzzOne(.scenario, data, size)
}

/// Called by libFuzzer once, before the first input: the chapter loads here, outside any input's time limit.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzHarness.prepare()
    return 0
}
