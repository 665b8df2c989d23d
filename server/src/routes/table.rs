//! The API's one table: each endpoint is declared once, with its handler and what the
//! OpenAPI document says of it, and both the router and the document are built from that
//! declaration, so they cannot drift apart. Request and response schemas are generated from
//! the Rust types themselves (`schemars`), mostly those of `lucarne_proof::wire`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::handler::Handler;
use axum::routing::{MethodFilter, MethodRouter};
use axum::Router;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use lucarne_proof::wire::{ErrorBody, Refusal};

use crate::state::AppState;

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl Method {
    /// Lower-case, as OpenAPI writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
        }
    }
}

/// Builds a schema for the document.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The schema of `T`, as a reference to a named component.
pub fn named<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The schema of `T` written out (for query strings, whose fields become parameters).
pub fn inline<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    T::json_schema(generator)
}

/// A request or response body.
#[derive(Clone, Copy)]
pub enum Content {
    /// No body.
    None,
    /// JSON of the schema.
    Json(SchemaFn),
    /// Text or bytes of a media type, with what they are.
    Other(&'static str, &'static str),
}

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the log's public data, health.
    Public,
    /// The body is a registration with a one-time code.
    RegistrationCode,
    /// The body is an envelope signed by a registered key.
    SignedEnvelope,
    /// The request is signed by a registered key (`crate::auth`).
    SignedRequest,
}

impl Access {
    fn describe(self) -> Option<&'static str> {
        match self {
            Access::Public => None,
            Access::RegistrationCode => Some("Needs a one-time registration code."),
            Access::SignedEnvelope => Some("The body is signed by a registered agent key."),
            Access::SignedRequest => Some(
                "Signed with a registered agent key: `Authorization: Lucarne <key_id>`, \
                 `X-Lucarne-Timestamp`, `X-Lucarne-Nonce` (32 to 64 hex digits, used once), \
                 `X-Lucarne-Signature` over method, host, path and query, body SHA-256, \
                 timestamp and nonce (`lucarne_proof::request`).",
            ),
        }
    }
}

/// One endpoint, as the document describes it.
#[derive(Clone, Copy)]
pub struct Endpoint {
    /// Its method.
    pub method: Method,
    /// Its path in the router's syntax (`{name}`, `{*rest}`).
    pub path: &'static str,
    /// OpenAPI `operationId`.
    pub operation_id: &'static str,
    /// One line.
    pub summary: &'static str,
    /// More, or empty.
    pub description: &'static str,
    /// Who may call it.
    pub access: Access,
    /// Path parameters: name and meaning.
    pub path_params: &'static [(&'static str, &'static str)],
    /// The query string's type, when there is one.
    pub query: Option<SchemaFn>,
    /// The request body.
    pub request: Content,
    /// The successful answer.
    pub response: Content,
    /// Every refusal it can answer.
    pub refusals: &'static [Refusal],
}

impl Endpoint {
    /// The path as OpenAPI writes it (`{*rest}` becomes `{rest}`).
    pub fn document_path(&self) -> String {
        self.path.replace("{*", "{")
    }
}

/// The table being built: endpoints and their handlers.
pub struct Api {
    methods: BTreeMap<&'static str, MethodRouter<Arc<AppState>>>,
    endpoints: Vec<Endpoint>,
}

impl Default for Api {
    fn default() -> Self {
        Self::new()
    }
}

impl Api {
    /// An empty table.
    pub fn new() -> Self {
        Api {
            methods: BTreeMap::new(),
            endpoints: Vec::new(),
        }
    }

    /// Adds `endpoint`, answered by `handler`.
    pub fn endpoint<H, T>(mut self, endpoint: Endpoint, handler: H) -> Self
    where
        H: Handler<T, Arc<AppState>>,
        T: 'static,
    {
        let filter = match endpoint.method {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
        };
        let method_router = self
            .methods
            .remove(endpoint.path)
            .unwrap_or_default()
            .on(filter, handler);
        self.methods.insert(endpoint.path, method_router);
        self.endpoints.push(endpoint);
        self
    }

    /// The endpoints, in the order declared.
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    /// The router of every endpoint (without state or fallback).
    pub fn into_router(self) -> Router<Arc<AppState>> {
        self.methods
            .into_iter()
            .fold(Router::new(), |router, (path, methods)| {
                router.route(path, methods)
            })
    }

    /// The OpenAPI 3.1 document of every endpoint.
    pub fn document(&self) -> Value {
        let mut settings = SchemaSettings::draft2020_12();
        settings.definitions_path = "/components/schemas".into();
        settings.meta_schema = None;
        let mut generator = settings.into_generator();
        let mut paths = Map::new();
        for endpoint in &self.endpoints {
            let operation = operation(endpoint, &mut generator);
            let item = paths
                .entry(endpoint.document_path())
                .or_insert_with(|| json!({}));
            if let Some(item) = item.as_object_mut() {
                item.insert(endpoint.method.as_str().to_string(), operation);
            }
        }
        let schemas = generator.take_definitions(true);
        json!({
            "openapi": "3.1.0",
            "info": {
                "title": "Lucarne server",
                "version": "1",
                "license": { "name": "EUPL-1.2", "identifier": "EUPL-1.2" },
                "description": "Receives snapshots signed by officials' agents, keeps them in a \
                    transparency log (RFC 9162 hashing, C2SP tlog-checkpoint and tlog-tiles), \
                    reports what changed. Generated from the server's route table \
                    (server/src/routes/mod.rs); the bodies are the types of \
                    `lucarne_proof::wire`.",
            },
            "paths": paths,
            "components": { "schemas": schemas },
        })
    }
}

fn content(content: &Content, generator: &mut SchemaGenerator) -> Option<Value> {
    match content {
        Content::None => None,
        Content::Json(schema) => Some(json!({
            "application/json": { "schema": schema(generator) }
        })),
        Content::Other(media_type, description) => Some(json!({
            media_type.to_string(): {
                "schema": { "type": "string", "description": description }
            }
        })),
    }
}

fn parameters(endpoint: &Endpoint, generator: &mut SchemaGenerator) -> Vec<Value> {
    let mut out: Vec<Value> = endpoint
        .path_params
        .iter()
        .map(|(name, description)| {
            json!({
                "name": name, "in": "path", "required": true,
                "description": description, "schema": { "type": "string" }
            })
        })
        .collect();
    if let Some(query) = endpoint.query {
        let schema = query(generator);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                out.push(json!({
                    "name": name, "in": "query",
                    "required": required.contains(&name.as_str()),
                    "schema": property,
                }));
            }
        }
    }
    out
}

fn operation(endpoint: &Endpoint, generator: &mut SchemaGenerator) -> Value {
    let mut operation = Map::new();
    operation.insert("operationId".into(), json!(endpoint.operation_id));
    operation.insert("summary".into(), json!(endpoint.summary));
    let description: Vec<&str> = [Some(endpoint.description), endpoint.access.describe()]
        .into_iter()
        .flatten()
        .filter(|d| !d.is_empty())
        .collect();
    if !description.is_empty() {
        operation.insert("description".into(), json!(description.join(" ")));
    }
    let parameters = parameters(endpoint, generator);
    if !parameters.is_empty() {
        operation.insert("parameters".into(), json!(parameters));
    }
    if let Some(body) = content(&endpoint.request, generator) {
        operation.insert(
            "requestBody".into(),
            json!({ "required": true, "content": body }),
        );
    }
    let mut responses = Map::new();
    let mut ok = json!({ "description": "Done" });
    if let (Some(body), Some(ok)) = (content(&endpoint.response, generator), ok.as_object_mut()) {
        ok.insert("content".into(), body);
    }
    responses.insert("200".into(), ok);
    let mut by_status: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
    for refusal in endpoint.refusals {
        by_status
            .entry(refusal.http_status())
            .or_default()
            .push(refusal.as_str());
    }
    let error_schema = generator.subschema_for::<ErrorBody>();
    for (status, codes) in by_status {
        let codes: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
        responses.insert(
            status.to_string(),
            json!({
                "description": format!("Refused; `error.code` is one of: {}.", codes.join(", ")),
                "content": { "application/json": { "schema": error_schema } },
            }),
        );
    }
    operation.insert("responses".into(), Value::Object(responses));
    Value::Object(operation)
}
