//! `src/<group>.rs`: one module per tag, with the group accessor, a request builder, an error
//! type and the wire code for each operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::types::{ident, rust_type};
use crate::ir::{Api, Body, Field, Group, Location, ModelKind, Operation, Param, Response, Type};
use crate::media::Kind;

/// One setter or constructor argument of a request builder.
pub(crate) struct Input<'a> {
    /// Rust name of the argument or setter.
    pub(crate) name: String,
    pub(crate) ty: &'a Type,
    pub(crate) required: bool,
    /// A credential: carried as `SecretString`.
    pub(crate) secret: bool,
    /// Optional and nullable body field: the setter takes `impl Into<Nullable<T>>`.
    pub(crate) three_state: bool,
    pub(crate) description: Option<&'a str>,
    pub(crate) example: Option<&'a serde_json::Value>,
    pub(crate) kind: InputKind<'a>,
}

pub(crate) enum InputKind<'a> {
    Param(&'a Param),
    BodyField(&'a Field),
    /// The whole body, when it is not an object with fields: text, bytes, a JSON list.
    WholeBody,
}

/// Parameters first (path, query, header), then body fields, as the SDK reference pages list them.
pub(crate) fn inputs<'a>(api: &'a Api, op: &'a Operation) -> Vec<Input<'a>> {
    let mut out: Vec<Input<'a>> = op
        .params
        .iter()
        .map(|p| Input {
            name: p.name.clone(),
            ty: &p.ty,
            required: p.required,
            secret: false,
            three_state: false,
            description: p.description.as_deref(),
            example: p.example.as_ref(),
            kind: InputKind::Param(p),
        })
        .collect();
    if let Some(fields) = body_fields(api, op) {
        out.extend(fields.iter().map(|f| Input {
            name: f.name.clone(),
            ty: &f.ty,
            required: f.required,
            secret: f.secret,
            three_state: !f.required && f.nullable,
            description: f.description.as_deref(),
            example: f.example.as_ref(),
            kind: InputKind::BodyField(f),
        }));
    } else if let Some(body) = &op.body {
        out.push(Input {
            name: "body".to_owned(),
            ty: &body.ty,
            required: body.required,
            secret: false,
            three_state: false,
            description: body.description.as_deref(),
            example: None,
            kind: InputKind::WholeBody,
        });
    }
    out
}

/// The fields of the operation's body model, when the body is a struct.
pub(crate) fn body_fields<'a>(api: &'a Api, op: &Operation) -> Option<&'a [Field]> {
    match &op.body.as_ref()?.ty {
        Type::Named(name) => match &api.models.get(name)?.kind {
            ModelKind::Struct(fields) => Some(fields),
            _ => None,
        },
        _ => None,
    }
}

/// Operation names as types: `get` → `Get`, `create_auth_code` → `CreateAuthCode`.
pub(crate) fn op_type(op: &Operation) -> String {
    crate::names::camel(&op.name)
}

/// The success body type and the statuses that carry it.
pub(crate) fn success<'o>(api: &Api, op: &'o Operation) -> (TokenStream, Vec<&'o Response>) {
    let ok: Vec<&Response> = op
        .responses
        .iter()
        .filter(|r| r.status.starts_with('2'))
        .collect();
    let ty = match ok.iter().find_map(|r| r.body.as_ref()) {
        Some(ty) => rust_type(api, ty, false),
        None => quote!(()),
    };
    (ty, ok)
}

/// The variant for a declared error status.
pub(crate) fn variant_name(status: &str) -> String {
    match status {
        "400" => "BadRequest".into(),
        "401" => "Unauthorized".into(),
        "402" => "PaymentRequired".into(),
        "403" => "Forbidden".into(),
        "404" => "NotFound".into(),
        "405" => "MethodNotAllowed".into(),
        "408" => "RequestTimeout".into(),
        "409" => "Conflict".into(),
        "410" => "Gone".into(),
        "413" => "PayloadTooLarge".into(),
        "422" => "UnprocessableEntity".into(),
        "429" => "TooManyRequests".into(),
        "500" => "InternalServer".into(),
        "502" => "BadGateway".into(),
        "503" => "ServiceUnavailable".into(),
        "504" => "GatewayTimeout".into(),
        s if s.eq_ignore_ascii_case("4XX") => "ClientError".into(),
        s if s.eq_ignore_ascii_case("5XX") => "ServerError".into(),
        "default" => "Other".into(),
        other => format!("Status{other}"),
    }
}

/// The match pattern of a status key the IR admitted: `404`, `4XX` (any case) or `default`.
fn status_pattern(status: &str) -> TokenStream {
    if status == "default" {
        return quote!(_);
    }
    let first = u16::from(status.as_bytes()[0] - b'0');
    match status[1..].parse::<u16>() {
        Ok(rest) => {
            let code = proc_macro2::Literal::u16_unsuffixed(first * 100 + rest);
            quote!(#code)
        }
        Err(_) => {
            let low = proc_macro2::Literal::u16_unsuffixed(first * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(first * 100 + 99);
            quote!(#low..=#high)
        }
    }
}

fn error_body_type(api: &Api, response: &Response) -> TokenStream {
    match &response.body {
        Some(ty @ Type::Named(_)) => rust_type(api, ty, false),
        _ => quote!(serde_json::Value),
    }
}

/// The type a setter or argument takes.
fn input_type(api: &Api, input: &Input<'_>) -> TokenStream {
    let inner = rust_type(api, input.ty, input.secret);
    if input.three_state {
        quote!(impl Into<crate::Nullable<#inner>>)
    } else {
        quote!(impl Into<#inner>)
    }
}

pub(crate) fn group_rs(api: &Api, group: &Group) -> TokenStream {
    let module_doc = docs::inner_lines(&docs::group_doc(group));
    let group_type = ident(&crate::names::camel(&group.name));
    let accessor = ident(&group.name);
    let accessor_doc = format!(
        " The {} operations: [`{}`].",
        crate::markdown::inline(&group.tag),
        group_type
    );
    let methods = group
        .operations
        .iter()
        .map(|op| group_method(api, group, op));
    let items = group.operations.iter().map(|op| operation_items(api, op));
    // Only groups with a declared error status name `ApiError`.
    let api_error_import = group
        .operations
        .iter()
        .any(|op| op.responses.iter().any(|r| r.is_error()))
        .then(|| {
            quote!(
                use crate::ApiError;
            )
        });
    quote! {
        #module_doc

        use crate::client::CallOptions;
        use crate::operation::{call_settings, operation_error};
        use crate::retry::Idempotency;
        use crate::transport;
        #api_error_import
        use crate::{
            DecodeError, InvalidRequest, OpenRouter, Response, TransportError, UnexpectedResponse,
        };

        impl OpenRouter {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #group_type<'_> {
                #group_type { client: self }
            }
        }

        #[doc = #accessor_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #group_type<'a> {
            client: &'a OpenRouter,
        }

        impl<'a> #group_type<'a> {
            #(#methods)*
        }

        #(#items)*
    }
}

/// Every required value is an argument, so an operation may need more than clippy's seven.
fn many_arguments(count: usize) -> Option<TokenStream> {
    (count > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

fn group_method(api: &Api, group: &Group, op: &Operation) -> TokenStream {
    let doc = docs::lines(&docs::operation_doc(api, group, op));
    let method = ident(&op.name);
    let request = format_ident!("{}Request", op_type(op));
    let required: Vec<Input<'_>> = inputs(api, op).into_iter().filter(|i| i.required).collect();
    let args = required.iter().map(|i| {
        let name = ident(&i.name);
        let ty = input_type(api, i);
        quote!(#name: #ty)
    });
    let values = required.iter().map(|i| {
        let name = ident(&i.name);
        quote!(#name.into())
    });
    let many = many_arguments(required.len() + 1);
    quote! {
        #doc
        #many
        pub fn #method(&self, #(#args),*) -> #request<'a> {
            #request::new(self.client, #(#values),*)
        }
    }
}

fn operation_items(api: &Api, op: &Operation) -> TokenStream {
    let request = request_builder(api, op);
    let error = error_type(api, op);
    quote!(#request #error)
}

fn request_builder(api: &Api, op: &Operation) -> TokenStream {
    let request = format_ident!("{}Request", op_type(op));
    let error = format_ident!("{}Error", op_type(op));
    let all = inputs(api, op);
    let doc = format!(
        " A `{} {}` request. Set optional values, then `.await` it (or call [`send`]({}::send)).",
        op.method, op.path, request
    );
    let (success_type, _) = success(api, op);

    // Parameters other than headers are fields; headers go into the call options.
    let param_fields = all.iter().filter_map(|i| match i.kind {
        InputKind::Param(p) if p.location != Location::Header => {
            let name = ident(&i.name);
            let ty = rust_type(api, i.ty, false);
            Some(if i.required {
                quote!(#name: #ty,)
            } else {
                quote!(#name: Option<#ty>,)
            })
        }
        _ => None,
    });
    // A body with fields is built up in its model; any other is given whole.
    let fields = body_fields(api, op);
    let body_model = op
        .body
        .as_ref()
        .filter(|_| fields.is_some())
        .map(|b| rust_type(api, &b.ty, false));
    let body_field = op.body.as_ref().map(|b| {
        let ty = rust_type(api, &b.ty, false);
        match (&body_model, b.required) {
            (Some(_), _) | (None, true) => quote!(body: #ty,),
            (None, false) => quote!(body: Option<#ty>,),
        }
    });

    let required: Vec<&Input<'_>> = all.iter().filter(|i| i.required).collect();
    let many = many_arguments(required.len() + 1);
    let ctor_args = required.iter().map(|i| {
        let name = ident(&i.name);
        let ty = rust_type(api, i.ty, i.secret);
        quote!(#name: #ty)
    });
    let param_inits = all.iter().filter_map(|i| match i.kind {
        InputKind::Param(p) if p.location != Location::Header => {
            let name = ident(&i.name);
            Some(if i.required {
                quote!(#name,)
            } else {
                quote!(#name: None,)
            })
        }
        _ => None,
    });
    let body_init = body_model.as_ref().map(|model| {
        let fields = body_fields(api, op).unwrap_or_default().iter().map(|f| {
            let name = ident(&f.name);
            if f.required && f.nullable {
                // Required and nullable: the struct holds an `Option`; the caller gives a value.
                quote!(#name: Some(#name),)
            } else if f.required {
                quote!(#name,)
            } else {
                quote!(#name: None,)
            }
        });
        quote!(body: #model { #(#fields)* },)
    });
    let body_init = body_init.or_else(|| {
        op.body.as_ref().map(|b| {
            if b.required {
                quote!(body,)
            } else {
                quote!(body: None,)
            }
        })
    });
    let header_inits: Vec<TokenStream> = all
        .iter()
        .filter_map(|i| match i.kind {
            InputKind::Param(p) if p.location == Location::Header && i.required => {
                let name = ident(&i.name);
                let wire = &p.wire_name;
                Some(quote!(options.header(#wire, #name.to_string());))
            }
            _ => None,
        })
        .collect();
    // `options` is changed only to set required headers.
    let options_mut = (!header_inits.is_empty()).then(|| quote!(mut));

    let setters = all.iter().filter(|i| !i.required).map(|i| {
        let name = ident(&i.name);
        let ty = input_type(api, i);
        let doc = docs::lines(&docs::setter_doc(i));
        let assign = match i.kind {
            InputKind::Param(p) if p.location == Location::Header => {
                let wire = &p.wire_name;
                // Through `Display` when the value is not text (an enum, a number).
                match p.ty {
                    Type::String => quote!(self.options.header(#wire, value.into());),
                    _ => quote!(self.options.header(#wire, value.into().to_string());),
                }
            }
            InputKind::Param(_) => quote!(self.#name = Some(value.into());),
            InputKind::BodyField(_) => quote!(self.body.#name = Some(value.into());),
            InputKind::WholeBody => quote!(self.body = Some(value.into());),
        };
        quote! {
            #doc
            pub fn #name(mut self, value: #ty) -> Self {
                #assign
                self
            }
        }
    });

    let send = send_fn(api, op, &all, &error);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #request<'a> {
            client: &'a OpenRouter,
            options: CallOptions,
            #(#param_fields)*
            #body_field
        }

        impl<'a> #request<'a> {
            #many
            fn new(client: &'a OpenRouter, #(#ctor_args),*) -> Self {
                let #options_mut options = CallOptions::default();
                #(#header_inits)*
                #request {
                    client,
                    options,
                    #(#param_inits)*
                    #body_init
                }
            }

            #(#setters)*

            #send
        }

        call_settings!(#request);

        impl<'a> std::future::IntoFuture for #request<'a> {
            type Output = Result<Response<#success_type>, #error>;
            type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

            /// Sends the request: `client.group().operation(..).await` is `.send().await`.
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

/// How a parameter value becomes text in a path or query.
fn to_text(ty: &Type, value: TokenStream) -> TokenStream {
    match ty {
        Type::String => quote!(#value.clone()),
        _ => quote!(#value.to_string()),
    }
}

fn send_fn(
    api: &Api,
    op: &Operation,
    all: &[Input<'_>],
    error: &proc_macro2::Ident,
) -> TokenStream {
    let (success_type, ok) = success(api, op);
    let method = format_ident!("{}", op.method);
    // `/keys/{hash}` → format!("/keys/{}", path_segment(&self.hash))
    let mut template = String::new();
    let mut path_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        template.push_str(&rest[..start]);
        template.push_str("{}");
        let wire = &rest[start + 1..end];
        if let Some(p) = op
            .params
            .iter()
            .find(|p| p.location == Location::Path && p.wire_name == wire)
        {
            let name = ident(&p.name);
            let text = to_text(&p.ty, quote!(self.#name));
            path_args.push(quote!(transport::path_segment(#wire, &#text)?));
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    template.push_str(rest);
    // Required single value start the list; lists and optional value are pushed.
    let mut required_query = Vec::new();
    let mut pushed_query = Vec::new();
    for i in all {
        if let InputKind::Param(p) = i.kind
            && p.location == Location::Query
        {
            let name = ident(&i.name);
            let wire = &p.wire_name;
            let push = match i.ty {
                Type::Array(item) if p.explode => {
                    let text = to_text(item, quote!(item));
                    quote!(for item in value { query.push((#wire, #text)); })
                }
                Type::Array(_) => quote! {
                    let joined: Vec<String> = value.iter().map(ToString::to_string).collect();
                    query.push((#wire, joined.join(",")));
                },
                _ if i.required => {
                    required_query.push((wire, to_text(i.ty, quote!(self.#name))));
                    continue;
                }
                ty => {
                    let text = to_text(ty, quote!(value));
                    quote!(query.push((#wire, #text));)
                }
            };
            pushed_query.push(if i.required {
                quote!({ let value = &self.#name; #push })
            } else {
                quote!(if let Some(value) = &self.#name { #push })
            });
        }
    }
    let has_query = op.params.iter().any(|p| p.location == Location::Query);
    let query_mut = (!pushed_query.is_empty()).then(|| quote!(mut));
    let required_query = required_query
        .iter()
        .map(|(wire, text)| quote!((#wire, #text)));
    let query = has_query.then(|| {
        quote! {
            let #query_mut query: Vec<(&str, String)> = vec![#(#required_query),*];
            #(#pushed_query)*
            if !query.is_empty() {
                request = request.query(&query);
            }
        }
    });
    let body = op.body.as_ref().map(|b| body_encoding(api, op, b));
    let error_arms = op.responses.iter().filter(|r| r.is_error()).map(|r| {
        let pattern = status_pattern(&r.status);
        let variant = format_ident!("{}", variant_name(&r.status));
        quote!(#pattern => Err(raw.api_error().map_or_else(#error::Unexpected, #error::#variant)),)
    });
    // Every 2xx carries the success body, also one the document does not list (200 for 201).
    let success = match ok.iter().find(|r| r.body.is_some()).map(|r| r.kind) {
        Some(Kind::Json) => quote!(200..=299 => raw.success().map_err(#error::Decode),),
        Some(Kind::Text) => {
            quote!(200..=299 => raw.success_with(crate::payload::text).map_err(#error::Decode),)
        }
        Some(_) => {
            quote!(200..=299 => raw.success_with(crate::payload::bytes).map_err(#error::Decode),)
        }
        None => quote!(200..=299 => Ok(raw.empty()),),
    };
    let fallback = (!op.responses.iter().any(|r| r.status == "default"))
        .then(|| quote!(_ => Err(#error::Unexpected(raw.unexpected())),));
    let idempotency = if op.idempotent {
        quote!(Idempotency::Idempotent)
    } else {
        quote!(Idempotency::NotIdempotent)
    };
    let operation = format!("{} {}", op.method, op.path);
    let request_ident = if query.is_some() || body.is_some() {
        quote!(mut request)
    } else {
        quote!(request)
    };
    let path = if path_args.is_empty() {
        quote!(#template)
    } else {
        quote!(&format!(#template, #(#path_args),*))
    };
    quote! {
        /// Sends the request and decodes the response.
        pub async fn send(self) -> Result<Response<#success_type>, #error> {
            let path = #path;
            let #request_ident = self.client.request(reqwest::Method::#method, path, &self.options)?;
            #query
            #body
            let plan = self.client.plan(&self.options);
            let raw = transport::send(request, plan, #idempotency, #operation).await?;
            match raw.status.as_u16() {
                #success
                #(#error_arms)*
                #fallback
            }
        }
    }
}

/// The statements that put the body into `request`, by its media type.
fn body_encoding(api: &Api, op: &Operation, body: &Body) -> TokenStream {
    let content_type = &body.content_type;
    let whole = body_fields(api, op).is_none();
    match body.kind {
        Kind::Json if whole && !body.required => {
            quote!(if let Some(body) = &self.body {
                request = request.json(body);
            })
        }
        Kind::Json => quote!(request = request.json(&self.body);),
        Kind::Form => quote!(request = crate::payload::form(request, &self.body)?;),
        Kind::Multipart => {
            let parts = body_fields(api, op).unwrap_or_default().iter().map(|f| {
                let name = ident(&f.name);
                let wire = &f.wire_name;
                if holds_files(&f.ty) {
                    quote!(form.files(#wire, &self.body.#name);)
                } else {
                    quote!(form.value(#wire, &self.body.#name)?;)
                }
            });
            quote! {
                let mut form = crate::payload::Multipart::default();
                #(#parts)*
                request = form.attach(request)?;
            }
        }
        Kind::Text | Kind::Binary if body.required => {
            quote!(request = crate::payload::whole(request, #content_type, self.body)?;)
        }
        Kind::Text | Kind::Binary => quote! {
            if let Some(body) = self.body {
                request = crate::payload::whole(request, #content_type, body)?;
            }
        },
    }
}

/// Whether a multipart field's type holds file parts.
fn holds_files(ty: &Type) -> bool {
    match ty {
        Type::File => true,
        Type::Array(inner) | Type::Boxed(inner) => holds_files(inner),
        _ => false,
    }
}

fn error_type(api: &Api, op: &Operation) -> TokenStream {
    let error = format_ident!("{}Error", op_type(op));
    let declared: Vec<&Response> = op.responses.iter().filter(|r| r.is_error()).collect();
    let doc = format!(
        " Why `{} {}` failed: one variant per declared status, then what the document cannot declare.",
        op.method, op.path
    );
    let variants: Vec<_> = declared
        .iter()
        .map(|r| format_ident!("{}", variant_name(&r.status)))
        .collect();
    let variant_docs = declared
        .iter()
        .map(|r| format!(" {}: {}", r.status, r.description));
    let bodies = declared.iter().map(|r| error_body_type(api, r));
    let operation = format!("{} {}", op.method, op.path);
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #error {
            #(#[doc = #variant_docs] #variants(ApiError<#bodies>),)*
            /// A status this operation does not declare, or an error body that is not the declared
            /// JSON. Status, headers and body are kept.
            Unexpected(UnexpectedResponse),
            /// A success status whose body does not match the document.
            Decode(DecodeError),
            /// No complete response within the attempt's timeout or the call's deadline.
            Timeout(TransportError),
            /// No complete response: not connected (the request was not sent), or cut short (it
            /// was, and the server may have acted). [`TransportError::may_have_been_processed`]
            /// says which.
            Transport(TransportError),
            /// The response body is larger than the client's limit; no more than that was read.
            TooLarge(TransportError),
            /// The request could not be built (an invalid header value, for example).
            InvalidRequest(InvalidRequest),
        }

        operation_error!(#error, #operation, [#(#variants),*]);
    }
}
