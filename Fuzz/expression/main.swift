import FuzzHarness

/// libFuzzer's entry for the 'expression' target (see FuzzTarget.expression); built only with SOCKLAB_FUZZ=1.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.fuzzOne(.expression, data, size)
}

/// Called by libFuzzer once, before the first input: the chapter loads here, outside any input's time limit.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    FuzzHarness.prepare()
    return 0
}
