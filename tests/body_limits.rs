//! Request bodies are bounded before they are read (issue 17): a body
//! larger than its route takes is refused with a 413 as soon as its
//! `Content-Length` says so or, without one, as soon as more has arrived,
//! never after the whole body sits in memory. On zige-host and on real Spin
//! alike, since the components bound each route themselves.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use zige_tests::spawn_app;

/// Sends `head` and then `body`, and reads the answer's status line. A
/// server that waits for the rest of the body never answers: the test then
/// fails on its time-out instead of hanging.
async fn status_after(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    let read = async {
        while !answer.windows(2).any(|w| w == b"\r\n") {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the connection closed without an answer");
            answer.extend_from_slice(&buffer[..n]);
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read).await.expect("an answer before the body is complete");
    let line = String::from_utf8_lossy(&answer);
    line.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or_else(|| panic!("a status line: {line}"))
}

#[tokio::test]
async fn a_declared_length_over_the_routes_limit_is_refused_before_the_body_is_sent() {
    let app = spawn_app().await;
    // A login takes 4 KiB; this one says it brings 50 MiB and sends one byte.
    let head = "POST /api/v1/staff/sessions HTTP/1.1\r\nHost: zige\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n";
    assert_eq!(status_after(app.addr, head, b"{").await, 413);
    // The roster file may be 48 MiB, not more.
    let head = "POST /api/v1/roster/imports HTTP/1.1\r\nHost: zige\r\nContent-Type: text/csv\r\nContent-Length: 209715200\r\n\r\n";
    assert_eq!(status_after(app.addr, head, b"id_number").await, 413);
}

#[tokio::test]
async fn a_body_without_a_length_is_cut_off_once_it_passes_the_limit() {
    let app = spawn_app().await;
    // Chunks of 1 KiB past a login's 4 KiB, and no final chunk: the answer
    // comes once the limit is passed, not when the body ends.
    let head = "POST /api/v1/staff/sessions HTTP/1.1\r\nHost: zige\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
    assert_eq!(status_after(app.addr, head, chunk.repeat(8).as_bytes()).await, 413);
}

#[tokio::test]
async fn a_body_within_the_limit_is_read_whole() {
    let app = spawn_app().await;
    let login = br#"{"username":"nobody","password":"wrong-password"}"#;
    let head = format!(
        "POST /api/v1/staff/sessions HTTP/1.1\r\nHost: zige\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        login.len()
    );
    assert_eq!(status_after(app.addr, &head, login).await, 401, "read and answered on its merits");
}
