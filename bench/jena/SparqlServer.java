// A minimal SPARQL 1.1 protocol server over Apache Jena ARQ + TDB2, for bench/peers.py only.
//
// Fuseki is not in Debian and Maven Central is not reachable from this machine, so Jena's own server cannot be
// installed; Debian's libapache-jena-java (ARQ, TDB2, the command-line tools) can. This puts the JDK's built-in
// HTTP server (com.sun.net.httpserver, a fixed thread pool) in front of a TDB2 dataset opened once, with the
// default graph as the union of the named graphs (like the other peers). It answers GET ?query= and POST
// (form-encoded or application/sparql-query) on /sparql: SELECT/ASK as SPARQL JSON results, CONSTRUCT/DESCRIBE
// as Turtle. Not Fuseki: no dataset services, no HTTP-level timeouts, no content negotiation beyond this.
//
//   java -cp CLASSPATH SparqlServer PORT TDB2_DIRECTORY [THREADS]

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.apache.jena.query.ARQ;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.tdb2.TDB2Factory;

public class SparqlServer {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        ARQ.getContext().set(TDB2.symUnionDefaultGraph, true);
        Dataset dataset = TDB2Factory.connectDataset(args[1]);
        dataset.getContext().set(TDB2.symUnionDefaultGraph, true);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.createContext("/sparql", exchange -> handle(exchange, dataset));
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.start();
    }

    static String param(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static void handle(HttpExchange exchange, Dataset dataset) throws IOException {
        int status = 200;
        String type = "application/sparql-results+json";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String text;
            if ("POST".equals(exchange.getRequestMethod())) {
                text = contentType != null && contentType.startsWith("application/sparql-query") ? body : param(body, "query");
            } else {
                String raw = exchange.getRequestURI().getRawQuery();
                text = raw == null ? null : param(raw, "query");
            }
            if (text == null) {
                throw new IllegalArgumentException("no query");
            }
            Query query = QueryFactory.create(text);
            if (query.isConstructType() || query.isDescribeType()) {
                type = "text/turtle";
            }
            Txn.executeRead(dataset, () -> {
                try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
                    if (query.isSelectType()) {
                        ResultSetFormatter.outputAsJSON(out, execution.execSelect());
                    } else if (query.isAskType()) {
                        ResultSetFormatter.outputAsJSON(out, execution.execAsk());
                    } else if (query.isConstructType()) {
                        RDFDataMgr.write(out, execution.execConstruct(), Lang.TURTLE);
                    } else {
                        RDFDataMgr.write(out, execution.execDescribe(), Lang.TURTLE);
                    }
                }
            });
        } catch (RuntimeException e) {
            status = 400;
            type = "text/plain";
            out.reset();
            out.writeBytes(String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
        }
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(status, out.size());
        try (OutputStream body = exchange.getResponseBody()) {
            out.writeTo(body);
        }
    }
}
