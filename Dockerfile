# Build a static binary with everything embedded, then ship it alone.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/smtpcodes .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/smtpcodes /smtpcodes
USER nonroot:nonroot
EXPOSE 8080
ENV LOG_FORMAT=json
ENTRYPOINT ["/smtpcodes"]
