//! Arbitrary bytes read as a frame of the shared-store socket protocol: a
//! request or a response either decodes (and then encodes back to a frame
//! that decodes to the same value) or is refused, never a panic or an
//! allocation past the frame's own length.

#![no_main]

use claimgraph::share::calls::Answer;
use claimgraph::share::proto::{self, Message, Request, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = proto::read_frame::<Request>(&mut &data[..]) {
        let mut again = Vec::new();
        proto::write_frame(&mut again, &request).expect("a decoded request encodes");
        let back: Request = proto::read_frame(&mut again.as_slice()).expect("and decodes again");
        assert_eq!(back, request);
    }
    // What the holder reads (a command line or a typed call) and a call's answer.
    let _ = proto::read_frame::<Message>(&mut &data[..]);
    let _ = proto::decode::<Answer>(data);
    if let Ok(response) = proto::decode::<Response>(data) {
        let mut again = Vec::new();
        proto::write_frame(&mut again, &response).expect("a decoded response encodes");
    }
});
