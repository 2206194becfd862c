//! The socket protocol between a claimgraph command and the process holding
//! its store: length-prefixed frames (a `u32` big-endian length, then that
//! many bytes), each a postcard-encoded [`Envelope`] carrying the protocol
//! version and the body: a [`Message`] from a client, a [`Response`] back.
//! A peer of another version is answered with a
//! refusal it can print, never with bytes it would misread.
//!
//! Byte fields (a command's output, its standard input, an envelope's body)
//! are written as postcard's bytes ([`bytes`]): the same encoding as a
//! sequence of `u8` (a varint length, then the bytes), copied in one piece
//! rather than a byte at a time, so a result of megabytes costs the holder
//! and the client a copy each, not an encoding.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::io::{Read, Write};

#[cfg(doc)]
use super::calls::Answer;
use super::calls::Call;

/// The version of the frames' bodies; bumped whenever `Request` or `Response` change.
pub const VERSION: u32 = 2;

/// The largest frame accepted (a request carries the files it imports).
pub const MAX_FRAME: usize = 1 << 30;

/// One frame's content: the version, then the body encoded on its own, so
/// that a body of another version is never decoded.
#[derive(Serialize, Deserialize, Debug)]
pub struct Envelope {
    pub version: u32,
    #[serde(with = "bytes")]
    pub body: Vec<u8>,
}

/// [`Envelope`] borrowing its body: how a frame is written and read
/// without copying the body once more.
#[derive(Serialize, Deserialize)]
struct EnvelopeRef<'a> {
    version: u32,
    #[serde(borrow, with = "borrowed_bytes")]
    body: &'a [u8],
}

/// What a client sends: a command line (the CLI's commands) or a typed
/// call (a library client such as the Python module).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Message {
    Command(Request),
    Call(Call),
}

/// [`Message`] as a sender writes it, borrowing its content (the same bytes).
#[derive(Serialize, Debug)]
pub enum MessageRef<'a> {
    Command(&'a Request),
    Call(&'a Call),
}

/// A command to run on the holder's store, as typed on the command line.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The command-line arguments after the program's name.
    pub args: Vec<String>,
    /// The client's working directory: relative paths are read from there.
    pub cwd: String,
    /// Standard input, for `import -` and `run -`.
    #[serde(with = "bytes::option")]
    pub stdin: Option<Vec<u8>>,
    /// Whether the client's standard output is a terminal (tables), or not (JSON).
    pub stdout_terminal: bool,
}

/// What the command printed and its exit status (a typed call is answered
/// with an [`Answer`] instead).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Done {
        status: u8,
        #[serde(with = "bytes")]
        stdout: Vec<u8>,
        #[serde(with = "bytes")]
        stderr: Vec<u8>,
    },
    /// The holder cannot serve this request at all (another version, say).
    Refused { message: String },
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("a frame of {0} bytes is over the limit of {MAX_FRAME}")]
    TooLarge(usize),
    #[error("the frame does not decode: {0}")]
    Decode(#[from] postcard::Error),
    #[error("the peer speaks protocol version {0}, this claimgraph version {VERSION}")]
    Version(u32),
}

/// Writes `value` as one frame, in one write: the length, the envelope and
/// the body are laid out in a single buffer.
pub fn write_frame<T: Serialize>(w: &mut impl Write, value: &T) -> Result<(), FrameError> {
    let body = postcard::to_stdvec(value)?;
    let mut frame = Vec::with_capacity(body.len() + 16);
    frame.extend_from_slice(&[0; 4]);
    let mut frame = postcard::to_extend(
        &EnvelopeRef {
            version: VERSION,
            body: &body,
        },
        frame,
    )?;
    let len = frame.len() - 4;
    let len = u32::try_from(len).map_err(|_| FrameError::TooLarge(len))?;
    frame[..4].copy_from_slice(&len.to_be_bytes());
    w.write_all(&frame)?;
    w.flush()?;
    Ok(())
}

/// Reads one frame and decodes its body.
pub fn read_frame<T: DeserializeOwned>(r: &mut impl Read) -> Result<T, FrameError> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge(len));
    }
    // Room for the frame up front (within reason: the length is the peer's word).
    let mut bytes = Vec::with_capacity(len.min(64 << 20));
    r.take(len as u64).read_to_end(&mut bytes)?;
    if bytes.len() < len {
        return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into());
    }
    decode(&bytes)
}

/// Decodes a frame's bytes (after the length): the envelope, its version, the body.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FrameError> {
    let envelope: EnvelopeRef = postcard::from_bytes(bytes)?;
    if envelope.version != VERSION {
        return Err(FrameError::Version(envelope.version));
    }
    Ok(postcard::from_bytes(envelope.body)?)
}

/// `#[serde(with = "bytes")]` for a `Vec<u8>`: written with
/// `serialize_bytes`, which postcard encodes as it encodes a sequence of
/// `u8` (so the frames are those of a plain `Vec<u8>`), in one copy.
pub mod bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        d.deserialize_byte_buf(Visitor)
    }

    struct Visitor;

    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("bytes")
        }

        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }

        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }

        // A format that writes bytes as a sequence of numbers.
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
            while let Some(b) = seq.next_element()? {
                out.push(b);
            }
            Ok(out)
        }
    }

    /// The same for an `Option<Vec<u8>>`.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
            match bytes {
                Some(b) => s.serialize_some(&Bytes(b)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
            Ok(Option::<Buf>::deserialize(d)?.map(|b| b.0))
        }

        struct Bytes<'a>(&'a [u8]);

        impl Serialize for Bytes<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }

        struct Buf(Vec<u8>);

        impl<'de> Deserialize<'de> for Buf {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                super::deserialize(d).map(Buf)
            }
        }
    }
}

/// `#[serde(with = "borrowed_bytes")]` for a `&[u8]` that borrows from the
/// frame being read.
mod borrowed_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &&[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'de [u8], D::Error> {
        <&'de [u8]>::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_round_trips_and_garbage_is_refused() {
        let request = Request {
            args: vec!["query".into(), "RETURN 1".into()],
            cwd: "/tmp".into(),
            stdin: Some(b"x".to_vec()),
            stdout_terminal: false,
        };
        let mut bytes = Vec::new();
        write_frame(&mut bytes, &MessageRef::Command(&request)).unwrap();
        let back: Message = read_frame(&mut bytes.as_slice()).unwrap();
        assert_eq!(back, Message::Command(request.clone()));
        let truncated = &bytes[..bytes.len() - 1];
        assert!(read_frame::<Request>(&mut &truncated[..]).is_err());
        let huge = u32::MAX.to_be_bytes();
        assert!(matches!(
            read_frame::<Request>(&mut &huge[..]),
            Err(FrameError::TooLarge(_))
        ));
        let other = postcard::to_stdvec(&Envelope {
            version: VERSION + 1,
            body: vec![1, 2, 3],
        })
        .unwrap();
        assert!(matches!(
            decode::<Request>(&other),
            Err(FrameError::Version(v)) if v == VERSION + 1
        ));
    }

    /// The frames as a plain derive of the same types writes them: a byte
    /// field written in one piece is encoded exactly as a sequence of `u8`,
    /// so the protocol's version is unchanged and each side reads the other.
    #[test]
    fn byte_fields_keep_the_plain_encoding() {
        #[derive(Serialize, Deserialize, Debug, PartialEq)]
        enum PlainResponse {
            Done {
                status: u8,
                stdout: Vec<u8>,
                stderr: Vec<u8>,
            },
            Refused {
                message: String,
            },
        }
        #[derive(Serialize, Deserialize, Debug, PartialEq)]
        struct PlainRequest {
            args: Vec<String>,
            cwd: String,
            stdin: Option<Vec<u8>>,
            stdout_terminal: bool,
        }
        #[derive(Serialize, Deserialize)]
        struct PlainEnvelope {
            version: u32,
            body: Vec<u8>,
        }
        // Long enough that the lengths take several varint bytes.
        let stdout: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let response = Response::Done {
            status: 3,
            stdout: stdout.clone(),
            stderr: b"warning: w\n".to_vec(),
        };
        let plain = PlainResponse::Done {
            status: 3,
            stdout,
            stderr: b"warning: w\n".to_vec(),
        };
        let ours = postcard::to_stdvec(&response).unwrap();
        assert_eq!(ours, postcard::to_stdvec(&plain).unwrap());
        assert_eq!(postcard::from_bytes::<Response>(&ours).unwrap(), response);
        for stdin in [None, Some(Vec::new()), Some(b"a b c .\n".repeat(40))] {
            let request = Request {
                args: vec!["import".into(), "-".into()],
                cwd: "/w".into(),
                stdin: stdin.clone(),
                stdout_terminal: true,
            };
            let plain = PlainRequest {
                args: request.args.clone(),
                cwd: request.cwd.clone(),
                stdin,
                stdout_terminal: true,
            };
            let bytes = postcard::to_stdvec(&request).unwrap();
            assert_eq!(bytes, postcard::to_stdvec(&plain).unwrap());
            assert_eq!(postcard::from_bytes::<Request>(&bytes).unwrap(), request);
        }
        // A whole frame: the length, then the plain envelope of the plain body.
        let mut frame = Vec::new();
        write_frame(&mut frame, &response).unwrap();
        let envelope = postcard::to_stdvec(&PlainEnvelope {
            version: VERSION,
            body: postcard::to_stdvec(&plain).unwrap(),
        })
        .unwrap();
        assert_eq!(&frame[..4], &(envelope.len() as u32).to_be_bytes());
        assert_eq!(&frame[4..], &envelope[..]);
        let back: Response = read_frame(&mut frame.as_slice()).unwrap();
        assert_eq!(back, response);
    }
}
