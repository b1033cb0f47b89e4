# headroom as a static binary in an empty image (for deploy/kubernetes/).
#   docker build -t headroom:latest .
# Stage 1 builds against musl (Alpine's Rust is musl-targeted, so the binary is
# static); stage 2 holds only the binary and CA certificates.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev ca-certificates
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin headroom \
 && strip target/release/headroom

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /src/target/release/headroom /headroom
USER 65534:65534
ENTRYPOINT ["/headroom"]
