import { NextResponse } from "next/server";
import { prisma } from "@/lib/db";

export async function GET() { // want "missing-auth"
  const invoices = await prisma.invoice.findMany({ select: { id: true, total: true } });
  return NextResponse.json(invoices);
}
