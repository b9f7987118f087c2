//! The OFD edition's electronic seal (GB/T 38540, in the package as
//! GB/T 33190-2016 §18 sets it): the tool writes the signature's parts and
//! hands the office's certified signing system what it signs; it never
//! holds a seal or a key itself (SM2 keys live in certified devices).
//!
//! `Doc_0/Signs/Signatures.xml` lists one signature of type Seal;
//! `Doc_0/Signs/Sign_0/Signature.xml` holds its SignedInfo: the provider,
//! the method (SM2 with SM3, OID 1.2.156.10197.1.501), the sign-off date,
//! the References — every other part of the package, each with its SM3
//! digest in base64 (CheckMethod 1.2.156.10197.1.401) — the stamp's place
//! (StampAnnot: its page and box in millimetres, over the 落款) and the
//! seal's file; then the signed value's file. The signing system receives
//! Signature.xml (and its SM3 digest) and returns the seal (`Seal.esl`)
//! and the signed value (`SignedValue.dat`).
//!
//! The exchange with `--seal-cmd CMD`: the command gets on its standard
//! input one JSON object — `digest_method` ("SM3"), `digest` (hex SM3 of
//! Signature.xml), `data` (Signature.xml in base64), `page` (from 1),
//! `page_id`, `boundary_mm` ([x, y, width, height]), `date` — and writes
//! one JSON object to its standard output: `seal` and `signed_value`, each
//! in base64. A command that fails, or answers otherwise, stops the build
//! before anything is written.

use std::collections::BTreeMap;
use std::io::Write as _;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sm3::Digest as _;

use crate::Error;

/// The OID of SM3, the digest of the References.
pub const SM3: &str = "1.2.156.10197.1.401";
/// The OID of SM2 signatures over SM3 digests.
pub const SM2_WITH_SM3: &str = "1.2.156.10197.1.501";

const SIGNS: &str = "Doc_0/Signs";
const SIGNATURE: &str = "Doc_0/Signs/Sign_0/Signature.xml";
const SEAL: &str = "Doc_0/Signs/Sign_0/Seal.esl";
const SIGNED_VALUE: &str = "Doc_0/Signs/Sign_0/SignedValue.dat";

/// Where the stamp goes: its page and box, in millimetres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    /// From 1.
    pub page: usize,
    pub page_id: u64,
    pub boundary: [f64; 4],
}

/// What the signing system is asked to sign.
#[derive(Clone, Debug, Serialize)]
pub struct Request {
    pub digest_method: &'static str,
    /// Hex SM3 of `data`.
    pub digest: String,
    /// Signature.xml, base64.
    pub data: String,
    pub page: usize,
    pub page_id: u64,
    pub boundary_mm: [f64; 4],
    /// The sign-off date, `YYYY-MM-DD`.
    pub date: String,
}

/// What it answers, decoded.
#[derive(Clone, Debug)]
pub struct Sealed {
    pub seal: Vec<u8>,
    pub signed_value: Vec<u8>,
}

#[derive(Deserialize)]
struct Answer {
    seal: String,
    signed_value: String,
}

/// A signing function: the office's command, or a test's own.
pub type Signer<'a> = &'a dyn Fn(&Request) -> Result<Sealed, Error>;

fn sm3(bytes: &[u8]) -> Vec<u8> {
    sm3::Sm3::digest(bytes).to_vec()
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Whether an OFD package (its zip file's bytes) holds a signature: the
/// zip's directory names its parts in the clear.
pub fn is_sealed(package: &[u8]) -> bool {
    package.windows(SIGNATURE.len()).any(|w| w == SIGNATURE.as_bytes())
}

/// The line the package's OFD.xml gives its DocBody when it is sealed.
pub fn signatures_entry() -> String {
    format!("<ofd:Signatures>{SIGNS}/Signatures.xml</ofd:Signatures>")
}

/// Adds the signature's parts to `parts` (every part already there is
/// referenced and digested), having `sign` seal it.
pub fn seal(
    parts: &mut Vec<(String, Vec<u8>)>,
    namespace: &str,
    place: Place,
    date: &str,
    sign: Signer,
) -> Result<(), Error> {
    let mut references = String::new();
    for (name, bytes) in parts.iter() {
        references.push_str(&format!(
            r#"<ofd:Reference FileRef="/{name}"><ofd:CheckValue>{}</ofd:CheckValue></ofd:Reference>"#,
            base64(&sm3(bytes))
        ));
    }
    let [x, y, w, h] = place.boundary.map(super::xml::num);
    let stamp_date = date.replace('-', "");
    let signature = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Signature xmlns:ofd="{namespace}"><ofd:SignedInfo><ofd:Provider ProviderName="bulletin" Version="{}"/><ofd:SignatureMethod>{SM2_WITH_SM3}</ofd:SignatureMethod><ofd:SignatureDateTime>{stamp_date}000000Z</ofd:SignatureDateTime><ofd:References CheckMethod="{SM3}">{references}</ofd:References><ofd:StampAnnot ID="1" PageRef="{}" Boundary="{x} {y} {w} {h}"/><ofd:Seal><ofd:BaseLoc>/{SEAL}</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo><ofd:SignedValue>/{SIGNED_VALUE}</ofd:SignedValue></ofd:Signature>"#,
        env!("CARGO_PKG_VERSION"),
        place.page_id
    );
    let request = Request {
        digest_method: "SM3",
        digest: sm3(signature.as_bytes()).iter().map(|b| format!("{b:02x}")).collect(),
        data: base64(signature.as_bytes()),
        page: place.page,
        page_id: place.page_id,
        boundary_mm: place.boundary,
        date: date.to_owned(),
    };
    let sealed = sign(&request)?;
    let signatures = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Signatures xmlns:ofd="{namespace}"><ofd:MaxSignId>1</ofd:MaxSignId><ofd:Signature ID="1" Type="Seal" BaseLoc="/{SIGNATURE}"/></ofd:Signatures>"#
    );
    parts.push((format!("{SIGNS}/Signatures.xml"), signatures.into_bytes()));
    parts.push((SIGNATURE.to_owned(), signature.into_bytes()));
    parts.push((SEAL.to_owned(), sealed.seal));
    parts.push((SIGNED_VALUE.to_owned(), sealed.signed_value));
    Ok(())
}

/// How long the signing system may take (a device waiting for its PIN,
/// say) before the build gives up on it.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The signing system as a command (`sh -c CMD`): the request as JSON on
/// its standard input, the answer as JSON on its standard output (its
/// standard error is shown only when it fails).
pub fn command(cmd: &str) -> impl Fn(&Request) -> Result<Sealed, Error> + '_ {
    move |request| {
        let failed = |why: String| Error::Seal { message: format!("the seal command `{cmd}` {why}") };
        let input = serde_json::to_vec(request).map_err(|err| failed(err.to_string()))?;
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|err| failed(format!("did not start: {err}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A command that answers without reading it all closes the pipe:
            // its answer still counts.
            match stdin.write_all(&input) {
                Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(failed(format!("did not take the request: {err}")));
                }
                _ => {}
            }
        }
        // Its answer is read as it comes (a pipe holds little), while the
        // clock runs.
        let (mut stdout, mut stderr) = (child.stdout.take(), child.stderr.take());
        let out = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(pipe) = stdout.as_mut() {
                let _ = std::io::Read::read_to_end(pipe, &mut bytes);
            }
            bytes
        });
        let err = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(pipe) = stderr.as_mut() {
                let _ = std::io::Read::read_to_end(pipe, &mut bytes);
            }
            bytes
        });
        let started = std::time::Instant::now();
        let status = loop {
            match child.try_wait().map_err(|err| failed(format!("did not finish: {err}")))? {
                Some(status) => break status,
                None if started.elapsed() > TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(failed(format!("gave no answer in {} s and was stopped", TIMEOUT.as_secs())));
                }
                None => std::thread::sleep(std::time::Duration::from_millis(20)),
            }
        };
        let output = std::process::Output {
            status,
            stdout: out.join().unwrap_or_default(),
            stderr: err.join().unwrap_or_default(),
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(failed(format!("failed ({}): {}", output.status, stderr.trim())));
        }
        let answer: Answer = serde_json::from_slice(&output.stdout).map_err(|err| {
            let printed: String = String::from_utf8_lossy(&output.stdout).chars().take(200).collect();
            failed(format!(
                "answered no JSON object with `seal` and `signed_value` (base64) on its standard output ({err}); \
                 it printed: {:?} (messages for people go to standard error)",
                printed.trim()
            ))
        })?;
        let decode = |what: &str, text: &str| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|err| failed(format!("answered a `{what}` that is not base64 ({err})")))?;
            if bytes.is_empty() {
                return Err(failed(format!("answered an empty `{what}`: nothing was sealed")));
            }
            Ok(bytes)
        };
        Ok(Sealed { seal: decode("seal", &answer.seal)?, signed_value: decode("signed_value", &answer.signed_value)? })
    }
}

/// Checks a sealed package's references: every part but the signature's
/// own is referenced once, and each digest holds. The problems, in words;
/// none where it verifies.
pub fn verify(parts: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let Some(signature) = parts.get(SIGNATURE).map(|b| String::from_utf8_lossy(b).into_owned()) else {
        return vec![format!("{SIGNATURE} is missing")];
    };
    let mut problems = Vec::new();
    let mut referenced = Vec::new();
    for reference in signature.split("<ofd:Reference FileRef=\"").skip(1) {
        let Some((name, rest)) = reference.split_once('"') else { continue };
        let value = rest
            .split_once("<ofd:CheckValue>")
            .and_then(|(_, v)| v.split_once("</ofd:CheckValue>"))
            .map(|(v, _)| v)
            .unwrap_or_default();
        let name = name.trim_start_matches('/');
        referenced.push(name.to_owned());
        match parts.get(name) {
            Some(bytes) if base64(&sm3(bytes)) == value => {}
            Some(_) => problems.push(format!("{name}: its SM3 digest does not match")),
            None => problems.push(format!("{name} is referenced but missing")),
        }
    }
    for name in parts.keys().filter(|n| !n.starts_with(SIGNS)) {
        if !referenced.contains(name) {
            problems.push(format!("{name} is not referenced"));
        }
    }
    problems
}
